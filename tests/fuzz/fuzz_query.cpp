// libFuzzer: the query grammar on any text, and its answers from the embedded database. A key
// splits at its first '/'; a port or range holds its bounds in order; every entry found matches
// the query, and the first match is the first of all matches.
#include "fuzz_check.hpp"
#include "services/query.hpp"
#include "services/source.hpp"

#include <string>
#include <vector>

using namespace portent::services;

namespace {

const Table& embedded_table()
{
    static const Table table = [] {
        const std::vector<std::string> specs = {"embedded"};
        return load_database(specs, std::nullopt);
    }();
    return table;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using portent::fuzz::require;
    const std::string_view text = portent::fuzz::text_of(data, size);
    const std::string key(text);
    const Query query = parse_query(text);
    const std::size_t slash = text.find('/');
    const std::string_view before_slash = text.substr(0, slash);
    require(query.protocol.has_value() == (slash != std::string_view::npos), "a protocol without a slash",
            key);
    if (query.protocol)
        require(*query.protocol == text.substr(slash + 1), "the protocol is not what follows the slash", key);
    switch (query.kind) {
    case Query::Kind::port:
        require(query.port_first == query.port_last, "a port query with two ports", key);
        require(std::to_string(query.port_first).size() <= before_slash.size(), "a port longer than its text",
                key);
        break;
    case Query::Kind::range:
        require(query.port_first <= query.port_last && query.name == before_slash, "a range out of order",
                key);
        break;
    case Query::Kind::name: require(query.name == before_slash, "a name that is not the key's", key); break;
    }
    if (query.kind == Query::Kind::range)
        return 0; // a range asks the whole table: matches() does not answer it
    const Table& table = embedded_table();
    const std::vector<std::uint32_t> found = query.find_in(table);
    for (const std::uint32_t index : found)
        require(query.matches(table.entry(index)), "an entry found does not match", key);
    const std::optional<std::uint32_t> first = query.first_in(table);
    require(first.has_value() == !found.empty(), "a first match without matches, or none with some", key);
    if (first)
        require(*first == found.front(), "the first match is not the first of all matches", key);
    return 0;
}

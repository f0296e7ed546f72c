// libFuzzer, differential: the block scans of a lookup (load_first_matches() for --first, and
// load_all_matches()) against the whole table (load_database()) on any database text. For keys
// of the table and a few others, at a small block size or the default one, a scan answers as
// the whole table does, or declines only where it may (no match, a range, a quote in a CSV key).
// A mismatch aborts.
#include "../unit/scan_oracle.hpp"
#include "fuzz_check.hpp"
#include "services/query.hpp"
#include "services/services_line.hpp"
#include "services/source.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace portent::services;

namespace {

// The input as a regular file (in memory), for the scans that read files a block at a time.
class MemoryFile
{
public:
    explicit MemoryFile(std::string_view text) : fd_(::memfd_create("portent-fuzz", 0))
    {
        portent::fuzz::require(fd_ >= 0, "memfd_create failed");
        for (std::size_t written = 0; written < text.size();) {
            const ssize_t count = ::write(fd_, text.data() + written, text.size() - written);
            portent::fuzz::require(count > 0, "writing the memory file failed");
            written += static_cast<std::size_t>(count);
        }
    }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;
    ~MemoryFile() { ::close(fd_); }
    [[nodiscard]] std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_;
};

std::string describe_all(const Table& table, const std::vector<std::uint32_t>& found)
{
    std::string text;
    for (const std::uint32_t index : found)
        text += describe(table, index) + "\n";
    return text;
}

// At most `count` keys of the table, spread over it, and a few that are no key of it.
std::vector<std::string> some_keys(const Table& whole, std::size_t count)
{
    const std::vector<std::string> all = keys_of(whole);
    std::vector<std::string> keys = {"8", "80/tcp", "6010/udp"};
    const std::size_t stride = std::max<std::size_t>(1, all.size() / count);
    for (std::size_t index = 0; index < all.size(); index += stride)
        keys.push_back(all[index]);
    return keys;
}

void check_key(const std::vector<std::string>& specs, const Table& whole, bool csv, const std::string& key,
               std::size_t block_size)
{
    using portent::fuzz::require;
    const std::vector<Query> queries = {parse_query(key)};
    const Query& query = queries[0];
    const std::string where = "key '" + key + "', block size " + std::to_string(block_size) + "\n";
    const std::vector<std::uint32_t> every = query.find_in(whole);
    const bool may_decline =
        every.empty() || query.kind == Query::Kind::range || (csv && key.find('"') != std::string::npos);

    const std::optional<Table> first = load_first_matches(specs, std::nullopt, queries, nullptr, block_size);
    require(first || may_decline, "the --first scan declines a key the whole table answers", where);
    if (first) {
        const std::string expected = describe(whole, query.first_in(whole));
        const std::string scanned = describe(*first, query.first_in(*first));
        require(scanned == expected, "the --first scan answers otherwise than the whole table",
                where + "scan:  " + scanned + "\nwhole: " + expected);
    }
    const std::optional<Table> first_line =
        load_first_matches(specs, std::nullopt, queries, nullptr, block_size, fits_services_line);
    if (first_line) {
        const std::string expected = describe(whole, query.first_in(whole, fits_services_line));
        const std::string scanned = describe(*first_line, query.first_in(*first_line, fits_services_line));
        require(scanned == expected, "the --first scan of services(5) lines answers otherwise",
                where + "scan:  " + scanned + "\nwhole: " + expected);
    }
    const std::optional<Table> all = load_all_matches(specs, std::nullopt, queries, nullptr, block_size);
    require(all || may_decline, "the scan of all matches declines a key the whole table answers", where);
    if (all) {
        const std::string expected = describe_all(whole, every);
        const std::string scanned = describe_all(*all, query.find_in(*all));
        require(scanned == expected, "the scan of all matches answers otherwise than the whole table",
                where + "scan:\n" + scanned + "whole:\n" + expected);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const MemoryFile file(portent::fuzz::text_of(data, size));
    const std::vector<std::string> specs = {file.path()};
    const Table whole = load_database(specs, std::nullopt);
    const bool csv = std::ranges::any_of(
        whole.sources(), [](const Source& source) { return source.format == Format::iana_csv; });
    // A block a few lines long, so that records cross blocks, or (for one input in four) the
    // default one.
    const std::size_t block_size = size % 4 == 0 ? std::size_t{1} << 14U : 16 + size % 241;
    for (const std::string& key : some_keys(whole, 6))
        check_key(specs, whole, csv, key, block_size);
    return 0;
}

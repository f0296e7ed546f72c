#include "probe/targets.hpp"

#include "util/ascii.hpp"
#include "util/number.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unordered_set>

namespace portent::probe {

namespace {

using util::is_digit;

constexpr std::size_t ipv6_smallest_prefix = 96;

// Digits, dots, dashes and at most one slash, with three dots: an IPv4 form, good or bad.
bool written_as_ipv4(std::string_view item)
{
    return std::ranges::count(item, '.') == 3 && std::ranges::count(item, '/') <= 1 &&
           std::ranges::all_of(item, [](char c) { return is_digit(c) || c == '.' || c == '-' || c == '/'; });
}

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos)
            return parts;
        start = end + 1;
    }
}

std::string quoted(std::string_view item)
{
    std::string text(1, '\'');
    text.append(item).push_back('\'');
    return text;
}

std::uint8_t octet(std::string_view text, std::string_view item)
{
    const auto value = util::to_number<unsigned>(text);
    if (!value || *value > 255 || (text.size() > 1 && text.front() == '0'))
        throw TargetError(quoted(item) + ": '" + std::string(text) + "' is not a number from 0 to 255");
    return static_cast<std::uint8_t>(*value);
}

std::size_t prefix_length(std::string_view text, std::size_t most, std::string_view item)
{
    const auto value = util::to_number<std::size_t>(text);
    if (!value || *value > most)
        throw TargetError(quoted(item) + ": the prefix length is not a number from 0 to " +
                          std::to_string(most));
    return *value;
}

std::uint32_t ipv4_address(std::string_view text, std::string_view item)
{
    const std::vector<std::string_view> parts = split(text, '.');
    if (parts.size() != 4)
        throw TargetError(quoted(item) + ": an IPv4 address has four parts");
    std::uint32_t address = 0;
    for (std::string_view part : parts)
        address = (address << 8U) | octet(part, item);
    return address;
}

bool valid_name(std::string_view name)
{
    return !name.empty() && name.front() != '-' && name.front() != '.' &&
           std::ranges::all_of(
               name, [](char c) { return util::is_alphanumeric(c) || c == '-' || c == '.' || c == '_'; });
}

// An IPv4 address (host order) in dotted decimal, as inet_ntop() writes it, without its printf.
std::string ipv4_text(std::uint32_t value)
{
    std::string text; // at most 15 characters: no allocation
    for (int part = 3; part >= 0; --part) {
        const std::uint32_t octet = (value >> (8U * static_cast<unsigned>(part))) & 0xFFU;
        if (octet >= 100)
            text += static_cast<char>('0' + octet / 100);
        if (octet >= 10)
            text += static_cast<char>('0' + octet / 10 % 10);
        text += static_cast<char>('0' + octet % 10);
        if (part > 0)
            text += '.';
    }
    return text;
}

} // namespace

bool written_as_hosts(std::string_view item)
{
    return item.find(',') != std::string_view::npos || item.find(':') != std::string_view::npos ||
           item.starts_with('[') || written_as_ipv4(item);
}

void HostList::add(std::string_view item, bool allow_large)
{
    if (item.empty())
        throw TargetError("an empty host");
    for (std::string_view part : split(item, ',')) {
        if (part.empty())
            throw TargetError(quoted(item) + ": an empty host in the list");
        add_one(part, allow_large);
    }
}

void HostList::add_one(std::string_view item, bool allow_large)
{
    std::string_view text = item;
    if (text.starts_with('[')) {
        if (text.find("]/") != std::string_view::npos)
            throw TargetError(quoted(item) + ": write an IPv6 block without brackets, as in ::1/128");
        if (!text.ends_with(']') || text.find(':') == std::string_view::npos)
            throw TargetError(quoted(item) + ": brackets hold an IPv6 address, as in [::1]");
        text = text.substr(1, text.size() - 2);
    }
    Block block = text.find(':') != std::string_view::npos ? read_ipv6(text, item)
                  : written_as_ipv4(text)                  ? read_ipv4(text, item)
                                                           : read_name(text, item);
    push(std::move(block), item, allow_large);
}

// An IPv6 address, or a block ADDRESS/PREFIX.
HostList::Block HostList::read_ipv6(std::string_view text, std::string_view item)
{
    Block block;
    const std::size_t slash = text.find('/');
    block.kind = Block::Kind::ipv6;
    const std::string address(text.substr(0, slash));
    if (::inet_pton(AF_INET6, address.c_str(), block.first6.data()) != 1)
        throw TargetError(quoted(item) + ": not an IPv6 address");
    if (slash != std::string_view::npos) {
        const std::size_t prefix = prefix_length(text.substr(slash + 1), 128, item);
        if (prefix < ipv6_smallest_prefix)
            throw TargetError(quoted(item) +
                              ": an IPv6 block of more than 2^32 addresses (/96) cannot be probed");
        for (std::size_t bit = prefix; bit < 128; ++bit)
            block.first6[bit / 8] &= static_cast<std::uint8_t>(~(0x80U >> (bit % 8)));
        block.count = std::uint64_t{1} << (128 - prefix);
    }
    return block;
}

// An IPv4 block ADDRESS/PREFIX, or four octets each a number or a range LO-HI.
HostList::Block HostList::read_ipv4(std::string_view text, std::string_view item)
{
    Block block;
    const std::size_t slash = text.find('/');
    if (slash != std::string_view::npos) {
        const std::size_t prefix = prefix_length(text.substr(slash + 1), 32, item);
        const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
        block.kind = Block::Kind::ipv4;
        block.first4 = ipv4_address(text.substr(0, slash), item) & mask;
        block.count = std::uint64_t{1} << (32 - prefix);
        if (prefix <= 30) { // the network and broadcast addresses are no hosts
            block.first4 += 1;
            block.count -= 2;
        }
        return block;
    }
    block.kind = Block::Kind::octets;
    const std::vector<std::string_view> parts = split(text, '.');
    for (std::size_t i = 0; i < 4; ++i) {
        const std::size_t dash = parts[i].find('-');
        block.low[i] = octet(parts[i].substr(0, dash), item);
        block.high[i] =
            dash == std::string_view::npos ? block.low[i] : octet(parts[i].substr(dash + 1), item);
        if (block.high[i] < block.low[i])
            throw TargetError(quoted(item) + ": the range '" + std::string(parts[i]) +
                              "' ends before it starts");
        block.count *= block.high[i] - block.low[i] + 1U;
    }
    return block;
}

// A host name, or an address literal in inet_aton()'s short form (127.1), kept as written.
HostList::Block HostList::read_name(std::string_view text, std::string_view item)
{
    if (text.find('/') != std::string_view::npos)
        throw TargetError(quoted(item) + ": a /PREFIX follows an IPv4 or IPv6 address, not a name");
    const bool numeric = std::ranges::all_of(text, [](char c) { return is_digit(c) || c == '.'; });
    in_addr short_form{};
    const bool short_address = numeric && text.find('.') != std::string_view::npos &&
                               ::inet_aton(std::string(text).c_str(), &short_form) != 0;
    if (!short_address) {
        if (std::ranges::all_of(text, [](char c) { return is_digit(c) || c == '.' || c == '-'; }))
            throw TargetError(quoted(item) + ": not a host (an IPv4 address has four parts)");
        if (!valid_name(text))
            throw TargetError(quoted(item) + ": not a host name (letters, digits, '-', '.' and '_')");
    }
    Block block;
    block.name = std::string(text);
    return block;
}

void HostList::push(Block block, std::string_view item, bool allow_large)
{
    if (block.count > large_block && !allow_large)
        throw TargetError(quoted(item) + ": " + std::to_string(block.count) + " addresses; more than " +
                          std::to_string(large_block) + " (an IPv4 /16, an IPv6 /112) need --allow-large");
    ends_.push_back(size() + block.count);
    blocks_.push_back(std::move(block));
}

std::string HostList::host(std::uint64_t index) const
{
    const auto found = std::ranges::upper_bound(ends_, index);
    const auto block = static_cast<std::size_t>(found - ends_.begin());
    const std::uint64_t start = block == 0 ? 0 : ends_[block - 1];
    return blocks_.at(block).at(index - start);
}

std::vector<std::string> HostList::names() const
{
    std::vector<std::string> names;
    std::unordered_set<std::string_view> seen; // a long --hosts-from list is read once
    for (const Block& block : blocks_)
        if (block.kind == Block::Kind::name && seen.insert(block.name).second)
            names.push_back(block.name);
    return names;
}

std::string HostList::Block::at(std::uint64_t offset) const
{
    char text[INET6_ADDRSTRLEN];
    switch (kind) {
    case Kind::name: return name;
    case Kind::octets: {
        std::uint32_t value = 0;
        for (std::size_t i = 4; i-- > 0;) { // the last part varies fastest
            const std::uint32_t width = high[i] - low[i] + 1U;
            value |= (low[i] + static_cast<std::uint32_t>(offset % width)) << (8 * (3 - i));
            offset /= width;
        }
        return ipv4_text(value);
    }
    case Kind::ipv4: return ipv4_text(first4 + static_cast<std::uint32_t>(offset));
    case Kind::ipv6: {
        std::array<std::uint8_t, 16> bytes = first6;
        for (std::size_t i = 16; i-- > 0 && offset != 0;) {
            const std::uint64_t sum = bytes[i] + (offset & 0xFFU);
            bytes[i] = static_cast<std::uint8_t>(sum);
            offset = (offset >> 8U) + (sum >> 8U);
        }
        return ::inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
    }
    }
    return name;
}

} // namespace portent::probe

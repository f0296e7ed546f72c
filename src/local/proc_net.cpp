#include "local/proc_net.hpp"

#include <charconv>
#include <cstring>

namespace portent::local::proc_net {

namespace {

// The next field separated by blanks, taken off the front of `text`.
std::string_view next_field(std::string_view& text)
{
    const std::size_t start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
        text = {};
        return {};
    }
    const std::size_t stop = text.find_first_of(" \t", start);
    const std::string_view field = text.substr(start, stop - start);
    text = stop == std::string_view::npos ? std::string_view() : text.substr(stop);
    return field;
}

template <typename Number> bool read_number(std::string_view text, int base, Number& value)
{
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value, base);
    return !text.empty() && error == std::errc() && stop == end;
}

// "0100007F:0016" or the same with 32 digits: the address words, then the port.
bool read_endpoint(std::string_view text, std::size_t digits, Endpoint& end)
{
    if (text.size() != digits + 5 || text[digits] != ':' ||
        !read_number(text.substr(digits + 1), 16, end.port))
        return false;
    for (std::size_t word = 0; word < digits / 8; ++word) {
        std::uint32_t value = 0;
        if (!read_number(text.substr(word * 8, 8), 16, value))
            return false;
        std::memcpy(end.address.data() + word * 4, &value, sizeof value); // the kernel printed it as a u32
    }
    return true;
}

} // namespace

std::optional<Socket> parse_line(std::string_view line, Protocol protocol)
{
    const std::string_view slot = next_field(line);
    if (slot.size() < 2 || slot.back() != ':')
        return std::nullopt; // the header ("sl") or a line that is not a socket
    const std::string_view local = next_field(line);
    const std::string_view remote = next_field(line);
    const std::string_view state = next_field(line);
    std::string_view uid;
    std::string_view inode;
    for (int field = 4; field <= 9 && !line.empty(); ++field) { // tx:rx tr:when retrnsmt uid timeout inode
        const std::string_view value = next_field(line);
        if (field == 7)
            uid = value;
        else if (field == 9)
            inode = value;
    }
    Socket socket;
    socket.protocol = protocol;
    const std::size_t digits = local.find(':');
    if (digits != 8 && digits != 32)
        return std::nullopt;
    socket.ipv6 = digits == 32;
    if (!read_endpoint(local, digits, socket.local) || !read_endpoint(remote, digits, socket.remote) ||
        state.size() != 2 || !read_number(state, 16, socket.state) || !read_number(uid, 10, socket.uid) ||
        !read_number(inode, 10, socket.inode))
        return std::nullopt;
    return socket;
}

void parse_table(std::string_view text, Protocol protocol, StateMask states, std::vector<Socket>& sockets)
{
    while (!text.empty()) {
        const std::size_t stop = text.find('\n');
        const std::string_view line = text.substr(0, stop);
        text = stop == std::string_view::npos ? std::string_view() : text.substr(stop + 1);
        if (auto socket = parse_line(line, protocol);
            socket && socket->state < 32 && (states & mask_of(socket->state)))
            sockets.push_back(std::move(*socket));
    }
}

std::string table_path(Protocol protocol, bool ipv6, const std::string& proc)
{
    return proc + "/net/" + std::string(to_string(protocol)) + (ipv6 ? "6" : "");
}

} // namespace portent::local::proc_net

#include "local/owners.hpp"

#include "services/file_descriptor.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <pwd.h>
#include <unistd.h>
#include <unordered_map>

namespace portent::local {

namespace {

struct DirectoryCloser
{
    void operator()(DIR* directory) const { ::closedir(directory); }
};
using Directory = std::unique_ptr<DIR, DirectoryCloser>;

// A /proc entry name that is a whole number: a pid, or a descriptor under PID/fd.
std::optional<int> read_number(const char* name)
{
    const std::string_view text(name);
    int value = 0;
    const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || stop != text.data() + text.size() || value < 0)
        return std::nullopt;
    return value;
}

// The start of a small /proc file of a process ("PID/comm"), at most 4 KiB; empty when it is gone.
std::string read_process_file(int proc_directory, const std::string& path)
{
    const services::FileDescriptor file(::openat(proc_directory, path.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0)
        return {};
    std::string text(4096, '\0');
    const ssize_t size = ::read(file.get(), text.data(), text.size());
    text.resize(size > 0 ? static_cast<std::size_t>(size) : 0);
    return text;
}

// What /proc tells of a process: its name (comm, without the newline) and its effective uid.
Owner describe_process(int proc_directory, const std::string& pid)
{
    Owner owner;
    owner.command = read_process_file(proc_directory, pid + "/comm");
    if (owner.command.ends_with('\n'))
        owner.command.pop_back();
    owner.uid = effective_uid(read_process_file(proc_directory, pid + "/status"));
    return owner;
}

using InodeIndex = std::unordered_map<std::uint64_t, std::size_t>; // socket inode -> its index

// Adds the process to the owners of each socket it holds; passes over a process whose
// descriptors the caller may not see (another user's, as non-root) or that is gone.
void scan_process(int proc_directory, const std::string& pid_name, int pid, const InodeIndex& by_inode,
                  std::span<Socket* const> sockets)
{
    const int descriptors =
        ::openat(proc_directory, (pid_name + "/fd").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (descriptors < 0)
        return;
    const Directory listing(::fdopendir(descriptors));
    if (!listing) {
        ::close(descriptors);
        return;
    }
    std::optional<Owner> process; // read once, for the first socket found
    while (const dirent* entry = ::readdir(listing.get())) {
        const auto fd = read_number(entry->d_name);
        if (!fd)
            continue;
        char link[64];
        const ssize_t size = ::readlinkat(descriptors, entry->d_name, link, sizeof link);
        const auto inode = size > 0 ? socket_inode({link, static_cast<std::size_t>(size)}) : std::nullopt;
        const auto found = inode ? by_inode.find(*inode) : by_inode.end();
        if (found == by_inode.end())
            continue;
        if (!process)
            process = describe_process(proc_directory, pid_name);
        Owner& owner = sockets[found->second]->owners.emplace_back(*process);
        owner.pid = pid;
        owner.fd = *fd;
    }
}

} // namespace

std::optional<std::uint32_t> effective_uid(std::string_view status)
{
    constexpr std::string_view label = "\nUid:";
    const std::size_t at = status.find(label);
    if (at == std::string_view::npos)
        return std::nullopt;
    std::string_view fields = status.substr(at + label.size());
    fields = fields.substr(0, fields.find('\n'));
    const std::size_t real = fields.find_first_not_of(" \t");
    const std::size_t after_real = fields.find_first_of(" \t", real);
    const std::size_t effective = fields.find_first_not_of(" \t", after_real);
    if (effective == std::string_view::npos)
        return std::nullopt;
    const std::string_view digits =
        fields.substr(effective, fields.find_first_of(" \t", effective) - effective);
    std::uint32_t uid = 0;
    const auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), uid);
    if (digits.empty() || error != std::errc() || stop != digits.data() + digits.size())
        return std::nullopt;
    return uid;
}

std::optional<std::uint64_t> socket_inode(std::string_view link)
{
    constexpr std::string_view prefix = "socket:[";
    if (!link.starts_with(prefix) || !link.ends_with(']'))
        return std::nullopt;
    const std::string_view digits = link.substr(prefix.size(), link.size() - prefix.size() - 1);
    std::uint64_t inode = 0;
    const auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), inode);
    if (digits.empty() || error != std::errc() || stop != digits.data() + digits.size())
        return std::nullopt;
    return inode;
}

void find_owners(std::span<Socket* const> sockets, const std::string& proc)
{
    InodeIndex by_inode;
    by_inode.reserve(sockets.size());
    for (std::size_t index = 0; index < sockets.size(); ++index)
        if (sockets[index]->inode != 0)
            by_inode.emplace(sockets[index]->inode, index);
    if (by_inode.empty())
        return;
    const Directory processes(::opendir(proc.c_str()));
    if (!processes)
        return;
    while (const dirent* entry = ::readdir(processes.get()))
        if (const auto pid = read_number(entry->d_name))
            scan_process(::dirfd(processes.get()), entry->d_name, *pid, by_inode, sockets);
    for (Socket* socket : sockets)
        std::ranges::sort(socket->owners, {},
                          [](const Owner& owner) { return std::pair(owner.pid, owner.fd); });
}

const std::optional<std::string>& UserNames::name(std::uint32_t uid)
{
    if (const auto known = known_.find(uid); known != known_.end())
        return known->second;
    std::optional<std::string> found;
    passwd entry{};
    passwd* result = nullptr;
    std::vector<char> buffer(1024);
    int error = 0;
    while ((error = ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &result)) == ERANGE &&
           buffer.size() < (std::size_t{1} << 20U))
        buffer.resize(buffer.size() * 2);
    if (error == 0 && result != nullptr)
        found = std::string(result->pw_name);
    return known_.emplace(uid, std::move(found)).first->second;
}

} // namespace portent::local

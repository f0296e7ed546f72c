#include "local/owners.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace portent::local;
namespace fs = std::filesystem;

namespace {

// PID/comm and PID/fd/FD -> TARGET, as /proc has them.
void add_process(const fs::path& proc, const std::string& pid, const std::string& comm,
                 const std::vector<std::pair<std::string, std::string>>& links)
{
    fs::create_directories(proc / pid / "fd");
    std::ofstream(proc / pid / "comm") << comm;
    std::ofstream(proc / pid / "status") << "Name:\t" << comm << "Uid:\t0\t" << pid << "\t0\t0\n";
    for (const auto& [fd, target] : links)
        fs::create_symlink(target, proc / pid / "fd" / fd);
}

} // namespace

TEST_CASE("the inode of a socket link", "[local][owners]")
{
    CHECK(socket_inode("socket:[12345]") == 12345U);
    CHECK(socket_inode("socket:[18446744073709551615]") == 18446744073709551615U);
    CHECK_FALSE(socket_inode("pipe:[12345]"));
    CHECK_FALSE(socket_inode("socket:[]"));
    CHECK_FALSE(socket_inode("socket:[12a]"));
    CHECK_FALSE(socket_inode("socket:[123"));
    CHECK_FALSE(socket_inode("socket:[-1]"));
    CHECK_FALSE(socket_inode("/dev/null"));
}

TEST_CASE("the effective uid of /proc/PID/status", "[local][owners]")
{
    CHECK(
        effective_uid(
            "Name:\tnginx\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t0\t33\t33\t33\nGid:\t0\t33\t33\t33\n") ==
        33U);
    CHECK(effective_uid("Name:\tx\nUid:\t1000\t1000\t1000\t1000\n") == 1000U);
    CHECK_FALSE(effective_uid("Name:\tx\nUid:\t1000\n"));       // one number only
    CHECK_FALSE(effective_uid("Name:\tx\nGid:\t1\t2\t3\t4\n")); // no Uid line
    CHECK_FALSE(effective_uid("Name:\tx\nUid:\t1\tx\t3\t4\n"));
    CHECK_FALSE(effective_uid(""));
}

TEST_CASE("owners from a /proc tree: every process and descriptor that holds a socket", "[local][owners]")
{
    const TemporaryDirectory proc;
    add_process(proc.path(), "4121", "python3\n",
                {{"3", "socket:[555]"}, {"4", "socket:[556]"}, {"0", "/dev/null"}});
    add_process(proc.path(), "77", "nginx\n", {{"6", "socket:[555]"}, {"7", "pipe:[555]"}});
    add_process(proc.path(), "self", "not a process\n", {{"3", "socket:[557]"}});
    fs::create_directories(proc.path() / "88"); // a process whose fd directory cannot be read

    std::vector<Socket> sockets(4);
    sockets[0].inode = 555;
    sockets[1].inode = 556;
    sockets[2].inode = 557;
    sockets[3].inode = 0; // time-wait sockets have none
    std::vector<Socket*> pointers;
    for (Socket& socket : sockets)
        pointers.push_back(&socket);
    find_owners(pointers, proc.path().string());

    REQUIRE(sockets[0].owners.size() == 2);
    CHECK(sockets[0].owners[0].pid == 77);
    CHECK(sockets[0].owners[0].fd == 6);
    CHECK(sockets[0].owners[0].command == "nginx");
    CHECK(sockets[0].owners[0].uid == 77U);
    CHECK(sockets[0].owners[1].pid == 4121);
    CHECK(sockets[0].owners[1].fd == 3);
    CHECK(sockets[0].owners[1].command == "python3");
    REQUIRE(sockets[1].owners.size() == 1);
    CHECK(sockets[1].owners[0].fd == 4);
    CHECK(sockets[2].owners.empty());
    CHECK(sockets[3].owners.empty());
}

TEST_CASE("owners from the real /proc: this process's own socket", "[local][owners]")
{
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    struct stat status
    {
    };
    REQUIRE(::fstat(fd, &status) == 0);
    std::string comm;
    std::getline(std::ifstream("/proc/self/comm"), comm);

    Socket socket;
    socket.inode = status.st_ino;
    Socket* pointer = &socket;
    find_owners({&pointer, 1});
    ::close(fd);
    REQUIRE(socket.owners.size() == 1);
    CHECK(socket.owners[0].pid == ::getpid());
    CHECK(socket.owners[0].fd == fd);
    CHECK(socket.owners[0].command == comm);
    CHECK(socket.owners[0].uid == ::geteuid());
}

TEST_CASE("user names from the password database", "[local][owners]")
{
    UserNames users;
    CHECK(users.name(0) == "root");
    const auto& first = users.name(0);
    (void)users.name(4000000000U);
    CHECK(&users.name(0) == &first); // remembered, and the reference stays valid
    CHECK_FALSE(users.name(4000000000U));
}

#include "local/list.hpp"
#include "services/source.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace portent::local;
namespace fs = std::filesystem;

namespace {

// /proc/net lines with wildcard addresses, which read the same in either byte order.
const char* const tcp_table =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11 1 0 100 0 "
    "0 10 0\n"
    "   1: 00000000:0016 00000000:D431 01 00000000:00000000 00:00000000 00000000     0        0 12 1 0 20 4 "
    "30 10 -1\n";
const char* const udp_table =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref "
    "pointer "
    "drops\n"
    "  100: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 13 2 0 0\n";

} // namespace

TEST_CASE("the /proc/net source: the files of each protocol, none for IPv6 when the kernel has none",
          "[local][list]")
{
    const TemporaryDirectory proc;
    fs::create_directories(proc.path() / "net");
    std::ofstream(proc.path() / "net" / "tcp") << tcp_table;
    std::ofstream(proc.path() / "net" / "udp") << udp_table;

    ListRequest request;
    request.source = Source::proc_net;
    request.proc = proc.path().string();
    Listing listing = list_sockets(request);
    CHECK(listing.note.empty());
    REQUIRE(listing.sockets.size() == 2);
    CHECK(listing.sockets[0].inode == 11);
    CHECK(listing.sockets[1].protocol == Protocol::udp);
    CHECK(listing.sockets[1].uid == 101);

    request.connected = true;
    CHECK(list_sockets(request).sockets.size() == 3);
    request.udp = false;
    CHECK(list_sockets(request).sockets.size() == 2);

    request.udp = true;
    fs::create_directories(proc.path() / "net" / "udp6"); // there, but not a file to read
    CHECK_THROWS_AS(list_sockets(request), portent::services::SourceError);
}

#pragma once

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

// Moves this test process into a network namespace of its own with loopback up, so that its
// probes reach nothing but the test's own sockets on 127.0.0.0/8 and ::1. Where that cannot be
// done (not root, a chroot that refuses namespaces) the test is skipped: exit 77, saying why.
// Call it before any thread is started; later calls do nothing.
inline void enter_private_network()
{
    static const bool entered = [] {
        if (::unshare(CLONE_NEWNET) != 0) {
            std::printf("SKIP: needs a private network namespace (unshare CLONE_NEWNET: %s)\n",
                        std::strerror(errno));
            std::fflush(stdout);
            std::_Exit(77);
        }
        const int descriptor = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ifreq request{};
        std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
        const bool up = descriptor >= 0 && ::ioctl(descriptor, SIOCGIFFLAGS, &request) == 0 &&
                        (request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP),
                         ::ioctl(descriptor, SIOCSIFFLAGS, &request) == 0);
        if (descriptor >= 0)
            ::close(descriptor);
        if (!up) {
            std::printf("SKIP: cannot bring loopback up in the private network namespace: %s\n",
                        std::strerror(errno));
            std::fflush(stdout);
            std::_Exit(77);
        }
        return true;
    }();
    (void)entered;
}

#include "util/file_descriptor.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <fcntl.h>

using portent::util::FileDescriptor;

namespace {

bool is_open(int descriptor)
{
    return ::fcntl(descriptor, F_GETFD) != -1;
}

} // namespace

TEST_CASE("FileDescriptor closes what it owns, and not what it released", "[util][file_descriptor]")
{
    int raw = -1;
    {
        const FileDescriptor owned(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        raw = owned.get();
        REQUIRE(raw >= 0);
        CHECK(is_open(raw));
    }
    CHECK_FALSE(is_open(raw));

    {
        FileDescriptor owned(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        raw = owned.release();
        CHECK(owned.get() == -1);
    }
    CHECK(is_open(raw));
    ::close(raw);

    const FileDescriptor failed(-1); // what open() returns on failure: nothing to close
    CHECK(failed.get() == -1);
}

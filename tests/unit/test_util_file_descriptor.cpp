#include "util/file_descriptor.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <fcntl.h>
#include <utility>

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

TEST_CASE("FileDescriptor hands what it owns on when moved", "[util][file_descriptor]")
{
    FileDescriptor first(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int raw = first.get();
    REQUIRE(raw >= 0);
    FileDescriptor second(std::move(first));
    CHECK(first.get() == -1); // NOLINT(bugprone-use-after-move): a moved-from descriptor owns nothing
    CHECK(second.get() == raw);
    CHECK(is_open(raw));

    FileDescriptor third(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int replaced = third.get();
    REQUIRE(replaced >= 0);
    third = std::move(second); // closes what it held, takes the other
    CHECK_FALSE(is_open(replaced));
    CHECK(third.get() == raw);
    CHECK(is_open(raw));

    FileDescriptor empty;
    CHECK(empty.get() == -1);
    empty = std::move(third);
    CHECK(empty.get() == raw);
    empty = FileDescriptor();
    CHECK_FALSE(is_open(raw));
}

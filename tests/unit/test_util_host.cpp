#include "util/host.hpp"

#include <catch2/catch.hpp>

using portent::util::host_without_brackets;

TEST_CASE("host_without_brackets() unwraps a bracketed IPv6 literal only", "[util][host]")
{
    CHECK(host_without_brackets("[::1]") == "::1");
    CHECK(host_without_brackets("[fe80::1%lo]") == "fe80::1%lo");
    CHECK(host_without_brackets("[]").empty());
    CHECK(host_without_brackets("::1") == "::1");
    CHECK(host_without_brackets("localhost") == "localhost");
    CHECK(host_without_brackets("[::1") == "[::1");
    CHECK(host_without_brackets("::1]") == "::1]");
    CHECK(host_without_brackets("[") == "[");
    CHECK(host_without_brackets("").empty());
}

TEST_CASE("host_with_brackets() wraps an IPv6 literal only", "[util][host]")
{
    using portent::util::host_with_brackets;
    CHECK(host_with_brackets("::1") == "[::1]");
    CHECK(host_with_brackets("fe80::1%lo") == "[fe80::1%lo]");
    CHECK(host_with_brackets("127.0.0.1") == "127.0.0.1");
    CHECK(host_with_brackets("localhost") == "localhost");
    CHECK(host_with_brackets("").empty());
}

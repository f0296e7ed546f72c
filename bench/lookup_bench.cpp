// In-process lookup benchmarks, run by hand (never by ctest):
//
//   1. name and port lookups: portent's Table against glibc's getservbyname_r/getservbyport_r,
//      both on the same services(5) file (glibc always reads /etc/services);
//   2. parse + index (building a Table from text already in memory) of nmap-services,
//      /etc/services and the IANA CSV, with MB/s.
//
// Each measurement is the median of repeated batches timed with std::chrono::steady_clock
// (and, for loaded machines, the median of the thread's CPU time per batch).
//
//   portent_lookup_bench [--services FILE] [--nmap FILE] [--csv FILE] [--batches N]
//
// --services must be the file glibc reads (the default /etc/services); lookups are skipped
// with a warning otherwise. A missing --nmap or --csv file skips that parse measurement; --csv
// defaults to PORTENT_IANA_CSV from the environment.

#include "services/source.hpp"
#include "services/table.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace services = portent::services;
using Clock = std::chrono::steady_clock;

// Keeps results observable so that the compiler cannot drop the work being timed.
volatile std::uint64_t sink = 0;

struct Options
{
    std::string services_file = "/etc/services";
    std::string nmap_file = "/usr/share/nmap/nmap-services";
    std::string csv_file = std::getenv("PORTENT_IANA_CSV") != nullptr ? std::getenv("PORTENT_IANA_CSV") : "";
    int batches = 51;
};

struct Stats
{
    double median = 0;     // nanoseconds per operation, steady_clock
    double minimum = 0;    // the fastest batch, steady_clock
    double cpu_median = 0; // this thread's CPU time (CLOCK_THREAD_CPUTIME_ID): excludes the time
                           // the thread waited for a core on a loaded machine
};

double thread_cpu_ns()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

// Runs `batch` (which performs `operations_per_batch` operations) `batches` times after one
// warm-up batch and returns the median and minimum time per operation.
Stats measure(int batches, std::size_t operations_per_batch, const std::function<void()>& batch)
{
    batch(); // warm-up: caches, page faults, lazy initialisation
    std::vector<double> per_operation, cpu_per_operation;
    const auto operations = static_cast<double>(operations_per_batch);
    for (int i = 0; i < batches; ++i) {
        const double cpu_start = thread_cpu_ns();
        const auto start = Clock::now();
        batch();
        const auto stop = Clock::now();
        const double cpu_stop = thread_cpu_ns();
        per_operation.push_back(std::chrono::duration<double, std::nano>(stop - start).count() / operations);
        cpu_per_operation.push_back((cpu_stop - cpu_start) / operations);
    }
    std::ranges::sort(per_operation);
    std::ranges::sort(cpu_per_operation);
    const std::size_t middle = per_operation.size() / 2;
    return {per_operation[middle], per_operation.front(), cpu_per_operation[middle]};
}

struct NameKey
{
    std::string name;
    std::string protocol;
};

struct PortKey
{
    std::uint16_t port = 0;
    std::string protocol;
};

// One key per (name or alias, protocol) and per (port, protocol) of every entry, in file order.
void collect_keys(const services::Table& table, std::vector<NameKey>& names, std::vector<PortKey>& ports)
{
    for (const services::Entry& entry : table.entries()) {
        const std::string protocol(entry.protocol());
        names.push_back({std::string(entry.name()), protocol});
        for (std::string_view alias : entry.aliases())
            names.push_back({std::string(alias), protocol});
        if (entry.has_port())
            ports.push_back({entry.port_first(), protocol});
    }
}

// glibc and portent must agree on the first answer of every key, or the comparison is void.
std::size_t count_disagreements(const services::Table& table, const std::vector<NameKey>& names,
                                const std::vector<PortKey>& ports)
{
    std::size_t disagreements = 0;
    servent result{};
    servent* found = nullptr;
    char buffer[4096];
    for (const NameKey& key : names) {
        getservbyname_r(key.name.c_str(), key.protocol.c_str(), &result, buffer, sizeof buffer, &found);
        const auto ours = table.first_by_name(key.name, key.protocol);
        const bool same = found ? ours && table.entry(*ours).port_first() ==
                                              ntohs(static_cast<std::uint16_t>(found->s_port))
                                : !ours;
        disagreements += same ? 0 : 1;
    }
    for (const PortKey& key : ports) {
        getservbyport_r(htons(key.port), key.protocol.c_str(), &result, buffer, sizeof buffer, &found);
        const auto ours = table.first_by_port(key.port, key.protocol);
        const bool same = found ? ours && table.entry(*ours).name() == found->s_name : !ours;
        disagreements += same ? 0 : 1;
    }
    return disagreements;
}

void print_row(std::string_view what, const Stats& stats, std::string_view unit_note = "")
{
    std::printf("  %-34s %12.1f ns/op (min %.1f, cpu %.1f)%s\n", std::string(what).c_str(), stats.median,
                stats.minimum, stats.cpu_median, std::string(unit_note).c_str());
}

void bench_lookups(const Options& options)
{
    std::printf("== lookups on %s (glibc reads /etc/services)\n", options.services_file.c_str());
    if (std::filesystem::weakly_canonical(options.services_file) !=
        std::filesystem::weakly_canonical("/etc/services"))
        std::printf("  warning: --services is not /etc/services; glibc still reads /etc/services\n");
    const std::string text = services::read_file(options.services_file);
    std::vector<services::Table::Part> parts;
    parts.push_back({options.services_file, services::Format::services, text, {}});
    const services::Table table(std::move(parts));

    std::vector<NameKey> names;
    std::vector<PortKey> ports;
    collect_keys(table, names, ports);
    std::printf("  keys: %zu names and aliases, %zu ports (every entry of the file, with its protocol)\n",
                names.size(), ports.size());
    const std::size_t disagreements = count_disagreements(table, names, ports);
    std::printf("  glibc and portent disagree on %zu of %zu first answers\n", disagreements,
                names.size() + ports.size());

    // Portent is ~1000x faster: many passes over the keys per batch keep each batch ≈ms long.
    auto time_portent = [&](const auto& keys, auto&& lookup) {
        constexpr int portent_passes = 2000;
        return measure(options.batches, keys.size() * portent_passes, [&] {
            std::uint64_t total = 0;
            for (int pass = 0; pass < portent_passes; ++pass)
                for (const auto& key : keys) {
                    const std::optional<std::uint32_t> found = lookup(key);
                    total += found ? *found + 1 : 0;
                }
            sink = sink + total;
        });
    };
    const Stats portent_name =
        time_portent(names, [&](const NameKey& key) { return table.first_by_name(key.name, key.protocol); });
    const Stats portent_port =
        time_portent(ports, [&](const PortKey& key) { return table.first_by_port(key.port, key.protocol); });

    // glibc: one pass over all keys per batch (each call opens and scans /etc/services).
    const int glibc_batches = std::max(5, options.batches / 3);
    const Stats glibc_name = measure(glibc_batches, names.size(), [&] {
        std::uint64_t total = 0;
        servent result{};
        servent* found = nullptr;
        char buffer[4096];
        for (const NameKey& key : names) {
            getservbyname_r(key.name.c_str(), key.protocol.c_str(), &result, buffer, sizeof buffer, &found);
            total += found ? static_cast<std::uint16_t>(found->s_port) : 0;
        }
        sink = sink + total;
    });
    const Stats glibc_port = measure(glibc_batches, ports.size(), [&] {
        std::uint64_t total = 0;
        servent result{};
        servent* found = nullptr;
        char buffer[4096];
        for (const PortKey& key : ports) {
            getservbyport_r(htons(key.port), key.protocol.c_str(), &result, buffer, sizeof buffer, &found);
            total += found ? static_cast<std::uint64_t>(found->s_name[0]) : 0;
        }
        sink = sink + total;
    });

    print_row("portent first_by_name(name, proto)", portent_name);
    print_row("glibc getservbyname_r(name, proto)", glibc_name);
    std::printf("  %-34s %12.0fx  (cpu %.0fx; target >= 1000x: %s)\n", "name ratio glibc/portent",
                glibc_name.median / portent_name.median, glibc_name.cpu_median / portent_name.cpu_median,
                glibc_name.median / portent_name.median >= 1000 ? "met" : "MISSED");
    print_row("portent first_by_port(port, proto)", portent_port);
    print_row("glibc getservbyport_r(port, proto)", glibc_port);
    std::printf("  %-34s %12.0fx  (cpu %.0fx; target >= 1000x: %s)\n", "port ratio glibc/portent",
                glibc_port.median / portent_port.median, glibc_port.cpu_median / portent_port.cpu_median,
                glibc_port.median / portent_port.median >= 1000 ? "met" : "MISSED");
}

// Times Table construction (format detection, parse, index) from text already in memory.
void bench_parse(const Options& options, const std::string& label, const std::string& path,
                 std::optional<double> target_ms)
{
    if (!std::filesystem::exists(path)) {
        std::printf("== parse + index %s: %s not found, skipped\n", label.c_str(), path.c_str());
        return;
    }
    const std::string text = services::read_file(path);
    auto build = [&] {
        std::vector<services::Table::Part> parts;
        parts.push_back({path, std::nullopt, text, nullptr}); // a view: no copy is timed
        return services::Table(std::move(parts));
    };
    const services::Table sample = build();
    std::printf("== parse + index %s: %s (%zu bytes, %zu entries, %zu diagnostics, format %s)\n",
                label.c_str(), path.c_str(), text.size(), sample.entries().size(),
                sample.diagnostics().size(),
                std::string(services::to_string(sample.sources()[0].format)).c_str());
    const services::Format format = sample.sources()[0].format;

    const Stats parse_only = measure(options.batches, 1, [&] {
        const services::ParseResult result = services::parse(text, format);
        sink = sink + result.entries.size();
    });
    const Stats whole = measure(options.batches, 1, [&] {
        const services::Table table = build();
        sink = sink + table.entries().size();
    });
    const double megabytes = static_cast<double>(text.size()) / 1e6;
    std::printf("  %-34s %8.3f ms (min %.3f, cpu %.3f)  %6.1f MB/s\n", "parse only", parse_only.median / 1e6,
                parse_only.minimum / 1e6, parse_only.cpu_median / 1e6, megabytes / (parse_only.median / 1e9));
    std::printf("  %-34s %8.3f ms (min %.3f, cpu %.3f)  %6.1f MB/s", "parse + index (Table)",
                whole.median / 1e6, whole.minimum / 1e6, whole.cpu_median / 1e6,
                megabytes / (whole.median / 1e9));
    if (target_ms)
        std::printf("  (target <= %.0f ms: %s)", *target_ms,
                    whole.median / 1e6 <= *target_ms ? "met" : "MISSED");
    std::printf("\n");
}

Options parse_options(int argc, char** argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view word = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "lookup_bench: " << word << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (word == "--services")
            options.services_file = value();
        else if (word == "--nmap")
            options.nmap_file = value();
        else if (word == "--csv")
            options.csv_file = value();
        else if (word == "--batches")
            options.batches = std::max(3, std::atoi(value().c_str()));
        else {
            std::cerr
                << "usage: portent_lookup_bench [--services FILE] [--nmap FILE] [--csv FILE] [--batches N]\n";
            std::exit(2);
        }
    }
    return options;
}

} // namespace

int main(int argc, char** argv)
{
    const Options options = parse_options(argc, argv);
    try {
        bench_lookups(options);
        bench_parse(options, "nmap-services", options.nmap_file, 3.0);
        bench_parse(options, "services(5)", options.services_file, std::nullopt);
        bench_parse(options, "IANA CSV", options.csv_file, std::nullopt);
    } catch (const std::exception& error) {
        std::cerr << "lookup_bench: " << error.what() << '\n';
        return 1;
    }
    return 0;
}

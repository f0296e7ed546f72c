#include "cli/command.hpp"
#include "cli/interrupt.hpp"
#include "cli/output.hpp"
#include "cli/output/probe.hpp"
#include "cli/probe_targets.hpp"
#include "probe/dialogues.hpp"
#include "probe/duration.hpp"
#include "probe/run.hpp"
#include "util/host.hpp"

#include <algorithm>
#include <csignal>
#include <ostream>
#include <span>

namespace portent::cli {

namespace {

namespace po = boost::program_options;
using probe::DialogueKind;
using probe::ProbeResult;
using probe::Target;

// Results kept for a table or a JSON array are reserved up to this many at the start.
constexpr std::uint64_t results_reserved = 1U << 16U;

// A hundred years: more is no certificate's lifetime.
constexpr std::size_t most_warn_expiry_days = 36'500;

struct ProbeSettings
{
    ProbeWords words;
    std::optional<DialogueKind> dialogue; // --as
    probe::ProbeOptions run;
    bool only_open = false;
};

// --http-path and --http-host, each checked: a usage error names the option and says why.
probe::HttpRequest read_http_request(const po::variables_map& options)
{
    probe::HttpRequest request;
    if (options.count("http-path")) {
        request.path = options["http-path"].as<std::string>();
        if (std::string why = probe::http_path_problem(request.path); !why.empty())
            throw UsageError("--http-path: '" + request.path + "' " + why);
    }
    if (options.count("http-host")) {
        request.host = options["http-host"].as<std::string>();
        if (std::string why = probe::http_host_problem(request.host); !why.empty())
            throw UsageError("--http-host: '" + request.host + "' " + why);
    }
    return request;
}

ProbeSettings read_settings(const Context& context)
{
    ProbeSettings settings;
    settings.words = split_probe_words(context);
    const po::variables_map& options = context.options;
    if (options.count("as")) {
        const auto& name = options["as"].as<std::string>();
        settings.dialogue = probe::dialogue_named(name);
        if (!settings.dialogue)
            throw UsageError("--as: unknown dialogue '" + name + "' (" +
                             std::string(probe::dialogue_names()) +
                             ", or a service name such as ssh or www)");
    }
    if (options.count("timeout")) {
        const auto& text = options["timeout"].as<std::string>();
        std::string why;
        const auto timeout = probe::parse_duration(text, &why);
        if (!timeout)
            throw UsageError("--timeout: '" + text + "' " + why);
        settings.run.timeout = *timeout;
    }
    const bool ipv4 = options.count("ipv4") > 0;
    const bool ipv6 = options.count("ipv6") > 0;
    if (ipv4 && ipv6)
        throw UsageError("probe: -4 and -6 exclude each other");
    settings.run.family = ipv4   ? probe::AddressFamily::ipv4
                          : ipv6 ? probe::AddressFamily::ipv6
                                 : probe::AddressFamily::any;
    if (options.count("parallel"))
        settings.run.parallel = read_whole_number("--parallel", options["parallel"].as<std::string>(), true);
    if (options.count("rate"))
        settings.run.rate = read_whole_number("--rate", options["rate"].as<std::string>(), true);
    if (options.count("per-host"))
        settings.run.per_host = read_whole_number("--per-host", options["per-host"].as<std::string>(), true);
    if (options.count("hosts-from") && options["hosts-from"].as<std::string>() == "-" &&
        std::ranges::find(context.global.databases, "-") != context.global.databases.end())
        throw UsageError("probe: --hosts-from - and --db - cannot both read standard input");
    settings.only_open = options.count("open") > 0;
    settings.run.identify = options.count("identify") > 0;
    settings.run.keep_received = options.count("show-answer") > 0;
    settings.run.http = read_http_request(options);
    if (options.count("warn-expiry")) {
        const auto& text = options["warn-expiry"].as<std::string>();
        const std::size_t days = read_whole_number("--warn-expiry", text, false);
        if (days > most_warn_expiry_days)
            throw UsageError("--warn-expiry: '" + text + "' is more than " +
                             std::to_string(most_warn_expiry_days) + " days");
        settings.run.warn_expiry_days = static_cast<long long>(days);
    }
    return settings;
}

// The results, in the plan's order (each where it is: only the order is sorted), with their
// targets made again from the plan into `targets`.
std::vector<ShownResult> in_plan_order(const probe::TargetPlan& plan, const std::vector<ProbeResult>& results,
                                       std::vector<Target>& targets)
{
    std::vector<std::pair<std::uint64_t, const ProbeResult*>> order;
    order.reserve(results.size());
    for (const ProbeResult& result : results)
        order.emplace_back(result.target, &result);
    std::ranges::sort(order, {}, &std::pair<std::uint64_t, const ProbeResult*>::first);
    targets.clear();
    targets.reserve(order.size()); // no reallocation: the rows point into it
    std::vector<ShownResult> rows;
    rows.reserve(order.size());
    for (const auto& [index, result] : order) {
        targets.push_back(plan.at(index));
        rows.push_back({&targets.back(), result});
    }
    return rows;
}

std::string_view signal_name(int signal)
{
    return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal";
}

int run_probe(Context& context)
{
    // Ctrl-C or SIGTERM stops the run: what has finished is written, the rest is marked.
    const InterruptCatcher interrupts;
    ProbeSettings settings = read_settings(context);
    const OutputFormat format = context.output_format();
    const services::Table table = load_probe_table(context, settings.words);
    const probe::TargetPlan plan = make_plan(context, table, settings.words, settings.dialogue);

    ProgressLine progress(context.err, plan.hosts().size() == 1 ? plan.hosts().host(0) : "");
    if (context.err_is_terminal)
        settings.run.on_progress = [&](const probe::Progress& now) { progress.show(now); };
    settings.run.stop_descriptor = interrupts.descriptor();
    // JSON lines are written as each target ends and kept no longer; a table or a JSON array
    // is written at the end, in the order of the targets. A table leaves out the targets a
    // stopped run did not finish; JSON shows them with state interrupted.
    std::vector<ProbeResult> shown;
    const ProbeFields fields{.identified = settings.run.identify, .received = settings.run.keep_received};
    if (format != OutputFormat::jsonl && !settings.only_open) // every result is kept: no regrowing
        shown.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(plan.size(), results_reserved)));
    std::string line; // a JSON line, made again for each result
    bool every_target_answered = true;
    std::uint64_t unfinished = 0;
    settings.run.on_result = [&](ProbeResult&& result) {
        every_target_answered = every_target_answered && result.answered();
        const bool stopped = result.state == probe::State::interrupted;
        unfinished += stopped ? 1 : 0;
        if ((settings.only_open && result.state != probe::State::open) ||
            (stopped && format == OutputFormat::table))
            return;
        if (format != OutputFormat::jsonl) {
            shown.push_back(std::move(result));
            return;
        }
        progress.clear();
        line.clear();
        append_probe_result_json(line, plan.at(result.target), result, fields);
        line += '\n';
        context.out << line << std::flush;
    };
    probe::run_probes(plan, settings.run);
    if (interrupts.signal() != 0)
        progress.end();
    else
        progress.clear();

    std::vector<Target> targets;
    const std::vector<ShownResult> rows = in_plan_order(plan, shown, targets);
    if (format == OutputFormat::json)
        write_probe_json(context.out, rows, fields);
    else if (format == OutputFormat::table && !rows.empty())
        write_probe_table(context.out, rows, context.table_width, fields);
    if (interrupts.signal() == 0)
        return every_target_answered ? exit_code::ok : exit_code::not_found;
    context.out.flush();
    context.err << "portent: interrupted by " << signal_name(interrupts.signal()) << ": " << unfinished
                << " of " << plan.size() << " targets unfinished"
                << (format == OutputFormat::table || settings.only_open ? ", left out"
                                                                        : ", marked interrupted")
                << '\n';
    return 128 + interrupts.signal(); // as a shell reports a program that the signal ended
}

po::options_description probe_options()
{
    const std::string timeout =
        "deadline of each target, from its start to its end: " + probe::duration_syntax() +
        ", e.g. 500us, 500ms, 1.5s, 2m; above zero, at most 24h (default 2s)";
    po::options_description options("Probe options");
    auto add = options.add_options();
    add("as", po::value<std::string>()->value_name("DIALOGUE"),
        "speak DIALOGUE on every port: daytime, time, echo, http, https, tls, banner, smtp, imap, pop3, "
        "ftp, dns, ntp, snmp, generic, or a service name that has one (ssh, www, imaps, domain, …)");
    add("timeout", po::value<std::string>()->value_name("DURATION"), timeout.c_str());
    add("ipv4,4", "only the IPv4 addresses of the hosts");
    add("ipv6,6", "only the IPv6 addresses of the hosts");
    add("parallel", po::value<std::string>()->value_name("N"),
        "targets in flight at once (default: as many as the open-file limit safely allows, at most 4096; "
        "256 with --identify)");
    add("open", "show only the targets that answered (state open; not closed, filtered or open|filtered)");
    add("identify", "name the protocol that actually answers on each open port, from what it says unasked "
                    "and short probes, with product and version where it states them");
    add("show-answer", "also every byte read from each target (at most 4 KiB), under its row or in JSON's "
                       "received");
    add("http-path", po::value<std::string>()->value_name("PATH"),
        "the path http and https ask for (default /), e.g. /status?full: starts with /, visible ASCII");
    add("http-host", po::value<std::string>()->value_name("NAME"),
        "the Host header http and https send, as it is (default: HOST, and the port unless 80 or 443)");
    add("warn-expiry", po::value<std::string>()->value_name("DAYS"),
        "fail a TLS target whose certificate expires in fewer than DAYS days (exit status 2)");
    add("top", po::value<std::string>()->value_name("N"),
        "also the N ports most often found open, from the database's open-frequencies (nmap-services: "
        "--db /usr/share/nmap/nmap-services), TCP ones, or UDP ones with -p udp");
    add("hosts-from", po::value<std::string>()->value_name("FILE"),
        "also the HOST items of FILE (- for standard input), one a line; # starts a comment");
    add("allow-large", "allow an item of more than 65536 addresses (beyond an IPv4 /16 or an IPv6 /112)");
    add("rate", po::value<std::string>()->value_name("N"),
        "start at most N targets a second (connections and datagrams), evenly spaced (default: no limit)");
    add("per-host", po::value<std::string>()->value_name("N"),
        "at most N targets in flight towards one host (default: no limit)");
    return options;
}

} // namespace

const Command& probe_command()
{
    static const Command command{
        "probe",
        "[OPTIONS] HOST... [--] QUERY...",
        "check that services answer on hosts, over TCP and UDP",
        "HOST: a host name, an IPv4 or IPv6 address (::1 or [::1]), a CIDR block (127.0.1.0/24,\n"
        "::1/128), an IPv4 range with LO-HI in any part (127.0.1.1-40, 127.0-3.0.1), or a comma-separated\n"
        "list of those (localhost,127.0.2.0/30); --hosts-from FILE adds one such item a line. An IPv4\n"
        "block up to /30 leaves out its network and broadcast addresses (/31 and /32 keep both; IPv6\n"
        "blocks keep every address, from /96 to /128). An item of more than 65536 addresses needs\n"
        "--allow-large. A name is looked up once and probed on each address of the chosen families;\n"
        "one that cannot be looked up gives its targets state error, and the run goes on.\n\n"
        "Hosts and queries: the first argument is a host (unless --hosts-from gives them), so is each\n"
        "next one written as addresses (an address, a block, a range, a list), and the first other\n"
        "argument starts the QUERYs. `--` ends the hosts: `probe localhost otherhost -- daytime`.\n\n"
        "QUERY is as in lookup: `daytime` probes 13/tcp and 13/udp, `http` 80/tcp, `13/udp` one port,\n"
        "`1-1024/tcp` a range. A port or range without /PROTO is probed over TCP, and over UDP as well\n"
        "where the database lists the port for UDP; a name over the protocols the database lists for\n"
        "it. /PROTO, -p and an --as spoken over one protocol only (http, https, banner: TCP; ntp,\n"
        "snmp: UDP) narrow to it. --top N adds the N TCP ports (-p udp: UDP) most often found open, by\n"
        "the database's open-frequencies.\n\n"
        "Targets are made as they start, never listed whole: each port on every host before the next\n"
        "port, hosts taken 1024 at a time, so that no host takes a burst while others wait. --rate and\n"
        "--per-host pace them.\n\n"
        "Each target speaks its service's dialogue (daytime, time, echo, http, https, tls for imaps,\n"
        "pop3s, …; STARTTLS for smtp, submission, imap and pop3, AUTH TLS for ftp; DNS queries for\n"
        "version.bind and . NS on domain; an NTP client packet on ntp; the first line of ssh, …), or the\n"
        "generic one: a connect and what the server says unasked within 100 ms (TCP), or an empty\n"
        "datagram and its reply (UDP). snmp (v2c, community public) is spoken only with --as snmp.\n"
        "The verdict says whether the answer is one the protocol allows (README.md, Probing, has\n"
        "each rule).\n\n"
        "--identify names what actually answers on each open port, from portent's own rules: what\n"
        "the server says unasked (SSH, SMTP, FTP, POP3, IMAP, MySQL/MariaDB, VNC, telnet, daytime, …),\n"
        "then short requests (HTTP GET, Redis PING, memcached version, MQTT CONNECT, PostgreSQL\n"
        "SSLRequest, a TLS ClientHello and the same rules inside), all within the target's deadline,\n"
        "with product and version where stated. SERVICE says `ssh (table: EtherNet-IP-1)` where the\n"
        "database names the port otherwise; JSON adds table_service, evidence, product and version,\n"
        "and service becomes what was identified (null when unknown). --parallel defaults to 256.\n\n"
        "TLS targets show the version, cipher, ALPN, SNI and the certificate (CN, SANs, issuer,\n"
        "validity, days left), and whether its chain verifies for HOST against the trust store\n"
        "(OpenSSL's default, or SSL_CERT_FILE / SSL_CERT_DIR): trusted, or untrusted: self-signed,\n"
        "unknown issuer, expired, not yet valid, name mismatch. Untrusted fails the verdict, and so\n"
        "does a certificate expiring within --warn-expiry days; the state stays open.\n\n"
        "States: open (connected, or a UDP reply came; the dialogue's verdict is beside it),\n"
        "closed (refused, or ICMP port unreachable), filtered (TCP: no answer to the connect before\n"
        "the deadline), open|filtered (UDP: no reply and no ICMP port unreachable before the\n"
        "deadline; not confirmed open), error (with the reason: a host that cannot be looked up gives\n"
        "each of its targets state error), interrupted (Ctrl-C or SIGTERM stopped the run first:\n"
        "finished results are written, the others marked in JSON or left out of a table, exit\n"
        "status 130 or 143). At most 4 KiB of each answer is read,\n"
        "and control characters in it are shown as escapes.\n\n"
        "--show-answer writes every byte read from each target under its row, a line each after\n"
        "\"  | \", control characters as escapes (\\r, \\n, \\e, \\xNN). Reading stops when the\n"
        "dialogue's answer is whole (HTTP: at the end of the header section), at 4 KiB, or at the\n"
        "deadline. JSON gets `received` (the bytes as text, U+FFFD for each byte not part of UTF-8) and\n"
        "`received_base64` (the exact bytes in base64 when `received` cannot hold them, else null).\n\n"
        "--http-path PATH and --http-host NAME set what http and https ask for: GET PATH (default /;\n"
        "it starts with /, holds visible ASCII only and no #: percent-encode the rest) with the Host\n"
        "header NAME, sent as it is (default HOST, and its port unless 80 for http, 443 for https;\n"
        "the TLS server name stays HOST).\n\n"
        "Output: --format table (default), json (one array, at the end) or jsonl (one object a\n"
        "line, written as each target ends, in that order, and not kept). A table and JSON keep every\n"
        "result until the end; jsonl holds only what is in flight, whatever the number of targets.\n\n"
        "Exit status: 0 every target answered and passed its dialogue, 2 some did not (open|filtered\n"
        "and an unknown host included), 1 usage error (a QUERY that names no service included).\n\n"
        "Examples, in a private network namespace (unshare -n, then ip link set lo up):\n"
        "  portent probe localhost daytime                13/tcp and 13/udp\n"
        "  portent probe localhost 8080 --as http         HTTP on a port the database names otherwise\n"
        "  portent probe 127.0.0.1 8080 --as http --show-answer   the status line and headers, as sent\n"
        "  portent probe 127.0.0.1 8080 --as http --http-path /health --http-host status.localhost\n"
        "  portent probe 127.0.0.1 daytime --show-answer --format json   the bytes in `received`\n"
        "  portent probe -4 --open 127.0.0.1 1-65535/tcp  the open TCP ports\n"
        "  portent probe 127.0.0.1 1-65535/udp --format jsonl | head   the first results at once\n"
        "  portent probe --warn-expiry 30 localhost https imap2   TLS facts; trust and expiry checked\n"
        "  SSL_CERT_FILE=ca.pem portent probe localhost 8443 --as https   trust a private CA\n"
        "  portent probe localhost 5300/udp --as dns      the name server's version.bind and . NS\n"
        "  portent probe localhost 12323 --as ntp         stratum and clock offset\n"
        "  portent probe --identify 127.0.0.1 2222 8080 6390   what answers there, whatever the table says\n"

        "  portent --db /usr/share/nmap/nmap-services probe 127.0.1.1-64 --top 100 --open\n"
        "  portent probe 127.0.1.0/24 ::1 -- ssh http --rate 500 --per-host 4 --format jsonl\n",
        probe_options(),
        run_probe,
        {OutputFormat::table, OutputFormat::json, OutputFormat::jsonl},
        OutputFormat::table};
    return command;
}

} // namespace portent::cli

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

struct ProbeSettings
{
    std::string host;
    std::optional<DialogueKind> dialogue; // --as
    probe::ProbeOptions run;
    bool only_open = false;
};

ProbeSettings read_settings(const Context& context)
{
    if (context.arguments.empty())
        throw UsageError("probe: give a HOST and at least one QUERY");
    if (context.arguments.size() < 2)
        throw UsageError("probe: give at least one QUERY after the HOST");
    ProbeSettings settings;
    settings.host = std::string(util::host_without_brackets(context.arguments.front()));
    if (settings.host.empty())
        throw UsageError("probe: the HOST is empty");
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
    settings.only_open = options.count("open") > 0;
    return settings;
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
    const services::Table table = context.load_table();
    const std::vector<Target> targets = make_targets(context, table, settings.host, settings.dialogue,
                                                     std::span(context.arguments).subspan(1));

    ProgressLine progress(context.err, settings.host);
    if (context.err_is_terminal)
        settings.run.on_progress = [&](const probe::Progress& now) { progress.show(now); };
    settings.run.stop_descriptor = interrupts.descriptor();
    // JSON lines are written as each target ends and kept no longer; a table or a JSON array
    // is written at the end, in the order of the targets. A table leaves out the targets a
    // stopped run did not finish; JSON shows them with state interrupted.
    std::vector<ProbeResult> shown;
    bool every_target_answered = true;
    std::size_t unfinished = 0;
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
        context.out << to_json_text(probe_result_json(targets[result.target], result)) << '\n' << std::flush;
    };
    probe::run_probes(targets, settings.run);
    if (interrupts.signal() != 0)
        progress.end();
    else
        progress.clear();

    std::ranges::sort(shown, {}, &ProbeResult::target);
    if (format == OutputFormat::json)
        write_probe_json(context.out, targets, shown);
    else if (format == OutputFormat::table && !shown.empty())
        write_probe_table(context.out, targets, shown, context.table_width);
    if (interrupts.signal() == 0)
        return every_target_answered ? exit_code::ok : exit_code::not_found;
    context.out.flush();
    context.err << "portent: interrupted by " << signal_name(interrupts.signal()) << ": " << unfinished
                << " of " << targets.size() << " targets unfinished"
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
        "speak DIALOGUE on every port: daytime, time, echo, http, https, banner, generic, or a service "
        "name that has one (ssh, www, …)");
    add("timeout", po::value<std::string>()->value_name("DURATION"), timeout.c_str());
    add("ipv4,4", "only IPv4 addresses of HOST");
    add("ipv6,6", "only IPv6 addresses of HOST");
    add("parallel", po::value<std::string>()->value_name("N"),
        "targets in flight at once (default: as many as the open-file limit safely allows, at most 4096)");
    add("open", "show only the targets that answered (state open)");
    return options;
}

} // namespace

const Command& probe_command()
{
    static const Command command{
        "probe",
        "[OPTIONS] HOST QUERY...",
        "check that services answer on a host, over TCP and UDP",
        "HOST is a name or an IPv4 or IPv6 address (::1 or [::1]). QUERY is as in lookup:\n"
        "`daytime` probes 13/tcp and 13/udp, `http` 80/tcp, `13/udp` one port, `1-1024/tcp` a range.\n"
        "A port or range without /PROTO is probed over TCP, and over UDP as well where the database\n"
        "lists the port for UDP; a name over the protocols the database lists for it. /PROTO, -p and\n"
        "a TCP-only --as (http, https, banner) narrow to one protocol.\n\n"
        "Each target speaks its service's dialogue (daytime, time, echo, http, https, or the first\n"
        "line of ssh, smtp, ftp, pop3, imap, …), or the generic one: a connect and what the server\n"
        "says unasked within 100 ms (TCP), or an empty datagram and its reply (UDP). The verdict says\n"
        "whether the answer is one the protocol allows (README.md, Probing, has each rule).\n\n"
        "States: open (connected, or a UDP reply came; the dialogue's verdict is beside it),\n"
        "closed (refused, or ICMP port unreachable), filtered (nothing before the deadline; for\n"
        "UDP: open or filtered), error (with the reason: a host that cannot be looked up gives\n"
        "each of its targets state error), interrupted (Ctrl-C or SIGTERM stopped the run first:\n"
        "finished results are written, the others marked in JSON or left out of a table, exit\n"
        "status 130 or 143). At most 4 KiB of each answer is read,\n"
        "and control characters in it are shown as escapes.\n\n"
        "Output: --format table (default), json (one array, at the end) or jsonl (one object a\n"
        "line, written as each target ends, in that order, and not kept).\n\n"
        "Exit status: 0 every target answered and passed its dialogue, 2 some did not (an unknown\n"
        "host included), 1 usage error (a QUERY that names no service included).\n\n"
        "Examples, in a private network namespace (unshare -n, then ip link set lo up):\n"
        "  portent probe localhost daytime                13/tcp and 13/udp\n"
        "  portent probe localhost 8080 --as http         HTTP on a port the database names otherwise\n"
        "  portent probe -4 --open 127.0.0.1 1-65535/tcp  the open TCP ports\n"
        "  portent probe 127.0.0.1 1-65535/udp --format jsonl | head   the first results at once\n",
        probe_options(),
        run_probe,
        {OutputFormat::table, OutputFormat::json, OutputFormat::jsonl},
        OutputFormat::table};
    return command;
}

} // namespace portent::cli

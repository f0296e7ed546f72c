#include "cli/completion.hpp"

#include "cli/completion_line.hpp"
#include "cli/text.hpp"
#include "probe/dialogues.hpp"
#include "probe/duration.hpp"
#include "services/source.hpp"
#include "util/ascii.hpp"

#include <boost/program_options/cmdline.hpp>
#include <boost/program_options/options_description.hpp>

#include <algorithm>
#include <cstdlib>
#include <ostream>

namespace po = boost::program_options;

namespace portent::cli {

namespace {

constexpr std::size_t description_width = 72;

// A word a shell can take as it is: no control characters or blanks.
bool plain(std::string_view word)
{
    return !word.empty() && std::ranges::none_of(word, [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= ' ' || byte == 0x7F;
    });
}

class Collector
{
public:
    Collector(std::string_view typed, std::string_view word_prefix) : typed_(typed), word_prefix_(word_prefix)
    {
    }

    // Adds `word` (after the word's prefix, such as "--format=") when it completes what is typed.
    void add(std::string_view word, std::string_view description = {})
    {
        if (!word.starts_with(typed_) || !plain(word))
            return;
        std::string whole = word_prefix_ + std::string(word);
        if (std::ranges::find(completion.candidates, whole, &Candidate::word) == completion.candidates.end())
            completion.candidates.push_back(
                {std::move(whole), fit_width(visible(description), description_width)});
    }

    Completion completion;

private:
    std::string typed_;
    std::string word_prefix_;
};

using PortsAndProtocols = std::vector<std::pair<std::string, std::string>>; // "13" -> "tcp,udp"

// The ports of the entries, in order, each with its protocols.
PortsAndProtocols ports_of(const services::Table& table, const std::vector<std::uint32_t>& indices)
{
    PortsAndProtocols ports;
    for (std::uint32_t index : indices) {
        const services::Entry& entry = table.entry(index);
        const std::string port = services::format_ports(entry);
        auto found = std::ranges::find(ports, port, &std::pair<std::string, std::string>::first);
        if (found == ports.end())
            found = ports.insert(ports.end(), {port, ""});
        if (!entry.protocol().empty() && found->second.find(entry.protocol()) == std::string::npos)
            found->second.append(found->second.empty() ? "" : ",").append(entry.protocol());
    }
    return ports;
}

// "13/tcp,udp — Daytime": the ports with their protocols, the first comment, and the name an
// alias belongs to.
std::string describe(const services::Table& table, std::string_view name,
                     const std::vector<std::uint32_t>& indices)
{
    std::string_view comment;
    std::string_view alias_of;
    for (std::uint32_t index : indices) {
        const services::Entry& entry = table.entry(index);
        comment = comment.empty() ? entry.comment() : comment;
        alias_of = alias_of.empty() && entry.name() != name ? entry.name() : alias_of;
    }
    std::string text;
    for (const auto& [port, protocols] : ports_of(table, indices))
        if (!port.empty())
            text.append(text.empty() ? "" : ", ")
                .append(port)
                .append(protocols.empty() ? "" : "/")
                .append(protocols);
    if (!comment.empty())
        text.append(text.empty() ? "" : " — ").append(comment);
    if (!alias_of.empty())
        text += " (alias of " + std::string(alias_of) + ")";
    return text;
}

// Service names and aliases, or NAME/PROTO after a '/', from the active database.
void add_services(Collector& collector, const Line& line, const std::string& typed,
                  const CompletionSources& sources)
{
    const std::size_t slash = typed.find('/');
    if (slash != std::string::npos) {
        const std::string name = typed.substr(0, slash);
        if (name.empty())
            return;
        const services::Table table = sources.table(line.global, name);
        Collector protocols(typed.substr(slash + 1), name + "/");
        for (std::uint32_t index : table.find_by_name(name)) {
            const services::Entry& entry = table.entry(index);
            if (!entry.protocol().empty())
                protocols.add(entry.protocol(), services::format_ports(entry)
                                                    .append(entry.comment().empty() ? "" : " — ")
                                                    .append(entry.comment()));
        }
        for (Candidate& candidate : protocols.completion.candidates)
            collector.completion.candidates.push_back(std::move(candidate));
        return;
    }
    const services::Table table = sources.table(line.global, typed);
    const services::ProtocolFilter protocol =
        line.global.protocol ? services::ProtocolFilter(*line.global.protocol) : std::nullopt;
    for (std::string_view name : table.names_with_prefix(typed)) {
        const std::vector<std::uint32_t> indices = table.find_by_name(name, protocol);
        if (!indices.empty())
            collector.add(name, describe(table, name, indices));
    }
}

// The protocols the table's entries have, sorted.
void add_protocols(Collector& collector, const services::Table& table)
{
    std::vector<std::string_view> protocols;
    for (const services::Entry& entry : table.entries())
        if (!entry.protocol().empty() && std::ranges::find(protocols, entry.protocol()) == protocols.end())
            protocols.push_back(entry.protocol());
    std::ranges::sort(protocols);
    for (std::string_view protocol : protocols)
        collector.add(protocol);
}

// The values of an option that the program's definitions list.
void add_values(Collector& collector, const po::option_description& option, const Command& command,
                const Line& line, const CompletionSources& sources)
{
    const std::string& name = option.long_name();
    if (name == "format") {
        for (OutputFormat format : command.formats)
            collector.add(to_string(format));
    } else if (name == "db-format") {
        for (services::Format format : services::formats)
            collector.add(services::to_string(format));
    } else if (name == "proto") {
        add_protocols(collector, sources.table(line.global, ""));
    } else if (name == "db") {
        for (std::string_view source : services::named_sources)
            collector.add(source, source == "system" ? services::system_path : "");
        collector.completion.files = true;
    } else if (name == "as") {
        for (std::string_view dialogue : util::split_words(probe::dialogue_names(), ", "))
            collector.add(dialogue);
    } else if (name == "timeout") {
        for (std::string_view example : probe::duration_examples)
            collector.add(example);
    } else if (name == "http-path") {
        collector.add("/");
    } else if (name == "http-host") {
        for (const std::string& host : sources.hosts())
            collector.add(host);
    }
}

// The option's help without its asides: what is in parentheses, and after a ':' or ';'.
std::string summary_of(const po::option_description& option)
{
    std::string text = option.description();
    for (std::size_t open = text.find(" ("); open != std::string::npos; open = text.find(" (")) {
        const std::size_t close = text.find(')', open);
        text.erase(open, close == std::string::npos ? std::string::npos : close + 1 - open);
    }
    return text.substr(0, std::min(text.find(": "), text.find("; ")));
}

void add_options(Collector& collector, const std::string& typed, const po::options_description& global,
                 const Command& command)
{
    for (const auto* options : {&global, &command.options})
        for (const auto& option : options->options()) {
            collector.add("--" + option->long_name(), summary_of(*option));
            const std::string short_name =
                option->canonical_display_name(po::command_line_style::allow_dash_for_short);
            if (short_name.starts_with('-') && typed.size() <= 2 && typed != "--")
                collector.add(short_name, summary_of(*option));
        }
}

void add_positional(Collector& collector, const Line& line, const std::string& typed, const Command& command,
                    const CompletionSources& sources)
{
    if (line.command == nullptr && line.positionals == 0)
        for (const Command* each : commands())
            collector.add(each->name, each->summary);
    const std::vector<Positional> positionals = positionals_of(command);
    if (positionals.empty() || (line.positionals >= positionals.size() && !positionals.back().repeats))
        return;
    const std::string& kind = positionals[std::min(line.positionals, positionals.size() - 1)].name;
    if (kind == "QUERY") {
        add_services(collector, line, typed, sources);
    } else if (kind == "HOST") {
        for (const std::string& host : sources.hosts())
            collector.add(host);
    } else if (kind == "FILE") {
        collector.completion.files = true;
    } else if (kind.find('|') != std::string::npos) {
        for (std::string_view choice : util::split_words(kind, "|"))
            collector.add(choice);
    }
}

} // namespace

Completion complete(std::span<const std::string> words, const CompletionSources& sources)
{
    const std::string typed = words.empty() ? std::string() : words.back();
    const po::options_description global = global_options();
    const Line line = read_line(words.empty() ? words : words.first(words.size() - 1), global);
    const Command& command = line.command != nullptr ? *line.command : lookup_command();
    if (line.awaiting != nullptr) {
        Collector collector(typed, "");
        add_values(collector, *line.awaiting, command, line, sources);
        return std::move(collector.completion);
    }
    if (!line.options_ended && typed.starts_with("--") && typed.find('=') != std::string::npos) {
        const std::size_t equals = typed.find('=');
        Collector collector(std::string_view(typed).substr(equals + 1),
                            std::string_view(typed).substr(0, equals + 1));
        if (const auto* option = find_option(global, typed.substr(2, equals - 2)))
            add_values(collector, *option, command, line, sources);
        return std::move(collector.completion);
    }
    Collector collector(typed, "");
    if (!line.options_ended && typed.starts_with('-'))
        add_options(collector, typed, global, command);
    else
        add_positional(collector, line, typed, command, sources);
    return std::move(collector.completion);
}

void write_completion(std::ostream& out, const Completion& completion)
{
    out << ':' << (completion.files ? "files" : "") << '\n';
    for (const Candidate& candidate : completion.candidates) {
        out << candidate.word;
        if (!candidate.description.empty())
            out << '\t' << candidate.description;
        out << '\n';
    }
}

} // namespace portent::cli

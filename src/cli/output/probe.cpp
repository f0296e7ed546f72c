#include "cli/output/probe.hpp"

#include "cli/output.hpp"
#include "cli/output/tls.hpp"
#include "cli/text.hpp"
#include "util/host.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace portent::cli {

namespace {

using probe::ProbeResult;
using probe::Target;

// Raw bytes of an answer shown in a table cell; JSON has all of it.
constexpr std::size_t table_answer_bytes = 200;
constexpr auto progress_after = std::chrono::seconds(1);

std::string target_label(const Target& target)
{
    std::string label = util::host_with_brackets(target.host);
    label += ':';
    label += std::to_string(target.port);
    label += '/';
    label += probe::to_string(target.transport);
    return label;
}

double milliseconds(std::chrono::nanoseconds duration)
{
    return std::round(static_cast<double>(duration.count()) / 1e3) / 1e3;
}

std::string rtt_text(const std::optional<std::chrono::nanoseconds>& round_trip)
{
    if (!round_trip)
        return "";
    const double ms = milliseconds(*round_trip);
    char text[32];
    std::snprintf(text, sizeof text, ms < 10 ? "%.2g ms" : "%.0f ms", ms);
    if (ms < 0.001)
        std::snprintf(text, sizeof text, "<0.001 ms");
    return text;
}

std::string_view verdict_text(const ProbeResult& result)
{
    if (!result.passed)
        return "";
    return *result.passed ? "passed" : "failed";
}

// At most table_answer_bytes of the answer, cut at a character boundary, with "…" when cut.
std::string table_answer(const std::string& answer)
{
    if (answer.size() <= table_answer_bytes)
        return answer;
    std::size_t cut = table_answer_bytes;
    while (cut > 0 && (static_cast<unsigned char>(answer[cut]) & 0xC0U) == 0x80)
        --cut;
    return answer.substr(0, cut) + "\u2026";
}

// The bytes up to the first line end: an identified answer may be a whole reply.
std::string first_line_of(const std::string& answer)
{
    std::string line = answer.substr(0, answer.find('\n'));
    if (line.size() < answer.size() && line.ends_with('\r'))
        line.pop_back();
    return line;
}

// The bytes read, a line each (split after each "\n", which visible() then shows as \n), made
// visible, after a gutter that no table row starts with.
std::string received_lines(std::string_view received)
{
    std::string text;
    while (!received.empty()) {
        const std::size_t end = received.find('\n');
        const std::size_t length = end == std::string_view::npos ? received.size() : end + 1;
        text += "  | " + visible(received.substr(0, length)) + '\n';
        received.remove_prefix(length);
    }
    return text;
}

// The SERVICE cell of an identified result: "ssh", "ssh (table: EtherNet-IP-1)",
// "unknown (table: http)", "ssh (table: none)"; "" for a target that is not open.
std::string identified_service_text(const Target& target, const ProbeResult& result)
{
    if (!result.identification)
        return "";
    const std::optional<std::string>& service = result.identification->service;
    std::string name = service ? *service : "unknown";
    if (service && *service == target.service)
        return name;
    return name + " (table: " + (target.service.empty() ? "none" : target.service) + ")";
}

// 25600 as "25,600".
std::string grouped(std::uint64_t number)
{
    std::string digits = std::to_string(number);
    for (std::size_t at = digits.size(); at > 3; at -= 3)
        digits.insert(at - 3, 1, ',');
    return digits;
}

} // namespace

void write_probe_table(std::ostream& out, std::span<const Target> targets,
                       std::span<const ProbeResult> results, std::size_t max_width, ProbeFields fields)
{
    std::vector<Row> rows;
    rows.reserve(results.size());
    for (const ProbeResult& result : results) {
        const Target& target = targets[result.target];
        const std::string address = result.address && *result.address != target.host ? *result.address : "";
        Row row{target_label(target), address, std::string(probe::to_string(result.state))};
        if (fields.identified) {
            const probe::Identification none;
            const probe::Identification& found = result.identification ? *result.identification : none;
            row.push_back(identified_service_text(target, result));
            row.push_back(found.product + (found.version.empty() ? "" : " " + found.version));
        }
        row.push_back(std::string(verdict_text(result)));
        row.push_back(rtt_text(result.round_trip));
        row.push_back(table_answer(fields.identified ? first_line_of(result.answer) : result.answer));
        if (fields.identified)
            row.push_back(result.identification ? result.identification->evidence : "");
        row.push_back(result.detail);
        rows.push_back(std::move(row));
    }
    const Row header = fields.identified
                           ? Row{"TARGET",  "ADDRESS", "STATE",  "SERVICE",  "PRODUCT",
                                 "VERDICT", "RTT",     "ANSWER", "EVIDENCE", "DETAIL"}
                           : Row{"TARGET", "ADDRESS", "STATE", "VERDICT", "RTT", "ANSWER", "DETAIL"};
    if (!fields.received) {
        write_table(out, header, rows, max_width);
        return;
    }
    write_table(
        out, header, rows.size(), [&](std::size_t index) { return rows[index]; }, max_width,
        [&](std::size_t index) { return received_lines(results[index].received); });
}

boost::json::object probe_result_json(const Target& target, const ProbeResult& result, ProbeFields fields)
{
    boost::json::object object;
    object["host"] = valid_utf8(target.host);
    object["address"] = result.address ? boost::json::value(*result.address) : boost::json::value(nullptr);
    object["port"] = target.port;
    object["protocol"] = probe::to_string(target.transport);
    object["service"] = valid_utf8(target.service);
    object["dialogue"] = probe::to_string(target.dialogue);
    object["state"] = probe::to_string(result.state);
    object["verdict"] =
        result.passed ? boost::json::value(verdict_text(result)) : boost::json::value(nullptr);
    object["rtt_ms"] = result.round_trip ? boost::json::value(milliseconds(*result.round_trip))
                                         : boost::json::value(nullptr);
    object["answer"] = valid_utf8(result.answer);
    object["detail"] = text_or_null(result.detail);
    object["tls"] = tls_json(result.tls.get());
    if (fields.identified) {
        const probe::Identification none;
        const probe::Identification& found = result.identification ? *result.identification : none;
        object["service"] =
            found.service ? boost::json::value(valid_utf8(*found.service)) : boost::json::value(nullptr);
        object["table_service"] = text_or_null(target.service);
        object["evidence"] = text_or_null(found.evidence);
        object["product"] = text_or_null(found.product);
        object["version"] = text_or_null(found.version);
    }
    if (fields.received) {
        const std::string text = valid_utf8(result.received);
        const bool exact = text == result.received;
        object["received"] = text;
        object["received_base64"] =
            exact ? boost::json::value(nullptr) : boost::json::value(base64(result.received));
    }
    return object;
}

void write_probe_json(std::ostream& out, std::span<const Target> targets,
                      std::span<const ProbeResult> results, ProbeFields fields)
{
    JsonArrayWriter document(out);
    for (const ProbeResult& result : results)
        document.add(probe_result_json(targets[result.target], result, fields));
    document.finish();
}

void ProgressLine::show(const probe::Progress& progress)
{
    if (progress.elapsed < progress_after)
        return;
    std::string line = "probing ";
    if (progress.hosts == 1)
        line += visible(host_) + ": ";
    else
        line += "hosts " + grouped(progress.hosts_done) + '/' + grouped(progress.hosts) + ", ";
    line += "targets " + grouped(progress.done) + '/' + grouped(progress.total) + ", " +
            grouped(progress.open) + " open, " + grouped(progress.answered) + " answered";
    if (shown_ && line == last_line_)
        return;
    err_ << "\r\033[K" << line << std::flush;
    last_line_ = std::move(line);
    shown_ = true;
}

void ProgressLine::clear()
{
    if (shown_)
        err_ << "\r\033[K" << std::flush;
    shown_ = false;
}

void ProgressLine::end()
{
    if (shown_)
        err_ << '\n' << std::flush;
    shown_ = false;
}

} // namespace portent::cli

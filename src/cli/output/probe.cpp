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

void write_probe_table(std::ostream& out, std::span<const ShownResult> results, std::size_t max_width,
                       ProbeFields fields)
{
    std::vector<Row> rows;
    rows.reserve(results.size());
    for (const ShownResult& shown : results) {
        const Target& target = *shown.target;
        const ProbeResult& result = *shown.result;
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
        [&](std::size_t index) { return received_lines(results[index].result->received); });
}

void append_probe_result_json(std::string& text, const Target& target, const ProbeResult& result,
                              ProbeFields fields)
{
    JsonObjectText object(text);
    object.valid_text("host", target.host);
    if (result.address)
        object.text("address", *result.address);
    else
        object.null("address");
    object.number("port", std::uint64_t{target.port});
    object.text("protocol", probe::to_string(target.transport));
    const probe::Identification none;
    const probe::Identification& found = result.identification ? *result.identification : none;
    if (!fields.identified)
        object.valid_text("service", target.service);
    else if (found.service)
        object.valid_text("service", *found.service);
    else
        object.null("service");
    object.text("dialogue", probe::to_string(target.dialogue));
    object.text("state", probe::to_string(result.state));
    if (result.passed)
        object.text("verdict", verdict_text(result));
    else
        object.null("verdict");
    if (result.round_trip)
        object.number("rtt_ms", milliseconds(*result.round_trip));
    else
        object.null("rtt_ms");
    object.valid_text("answer", result.answer);
    object.text_or_null("detail", result.detail);
    object.value("tls", tls_json(result.tls.get()));
    if (fields.identified) {
        object.text_or_null("table_service", target.service);
        object.text_or_null("evidence", found.evidence);
        object.text_or_null("product", found.product);
        object.text_or_null("version", found.version);
    }
    if (fields.received) {
        const std::string received = valid_utf8(result.received);
        object.text("received", received);
        if (received == result.received)
            object.null("received_base64");
        else
            object.text("received_base64", base64(result.received));
    }
    object.finish();
}

void write_probe_json(std::ostream& out, std::span<const ShownResult> results, ProbeFields fields)
{
    JsonArrayWriter document(out);
    std::string text;
    for (const ShownResult& shown : results) {
        text.clear();
        append_probe_result_json(text, *shown.target, *shown.result, fields);
        document.add_text(text);
    }
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

// The `list --top` scan: every record parsed, only the most frequent kept.
#include "services/top_scan.hpp"

#include "services/source.hpp"
#include "services/source/line_scan.hpp"
#include "services/source/matched_records.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <vector>

namespace portent::services {

namespace {

// An entry that may be listed: its frequency, its place in the file and its record.
struct Candidate
{
    double frequency = 0;
    std::size_t order = 0;
    std::string record;
    bool terminated = false; // a '\n' ends it in its file
    std::uint32_t line = 0;
};

// Whether `a` is listed before `b`: the higher frequency, then the earlier entry.
bool listed_before(const Candidate& a, const Candidate& b)
{
    return a.frequency != b.frequency ? a.frequency > b.frequency : a.order < b.order;
}

// The `count` candidates listed first, the last of them on top of the heap.
class Best
{
public:
    explicit Best(std::size_t count) : count_(count) {}

    // Whether a candidate of this frequency, later than all before it, would be kept.
    [[nodiscard]] bool wants(double frequency) const
    {
        return heap_.size() < count_ || frequency > heap_.top().frequency;
    }

    void add(Candidate candidate)
    {
        heap_.push(std::move(candidate));
        if (heap_.size() > count_)
            heap_.pop();
    }

    // The candidates kept, in file order.
    [[nodiscard]] std::vector<Candidate> in_file_order() &&
    {
        std::vector<Candidate> kept;
        for (; !heap_.empty(); heap_.pop())
            kept.push_back(heap_.top());
        std::ranges::sort(kept, {}, &Candidate::order);
        return kept;
    }

private:
    std::size_t count_;
    std::priority_queue<Candidate, std::vector<Candidate>, decltype(&listed_before)> heap_{listed_before};
};

// Parses every record of the runs it is given, keeping the most frequent entries of the
// protocol that `accept` takes.
class TopScan
{
public:
    TopScan(std::size_t count, ProtocolFilter protocol, EntryFilter accept)
        : best_(count), protocol_(protocol), accept_(accept)
    {
    }

    void scan(const SourceLines& run)
    {
        kept_.enter(run);
        const auto every_record = [&](std::size_t from) {
            return from < run.lines.size() ? from : std::string_view::npos;
        };
        sources::for_each_hit_record(run.lines, run.format, run.first_line, every_record,
                                     [&](std::string_view record, std::uint32_t number) {
                                         look_at(run, record, number);
                                         return true;
                                     });
    }

    // What list --top shows, or nullopt where the whole database must tell (see
    // load_most_frequent()).
    [[nodiscard]] std::optional<MostFrequent> result() &&
    {
        if (!any_frequency_ || !any_protocol_ || !numbers_)
            return std::nullopt;
        const std::vector<Candidate> listed = std::move(best_).in_file_order();
        if (listed.empty()) // nothing to list: the whole database says why
            return std::nullopt;
        for (const Candidate& candidate : listed)
            kept_.keep(0, candidate.record, candidate.terminated, candidate.line);
        return MostFrequent{Table(std::move(kept_).parts()), left_out_};
    }

private:
    void look_at(const SourceLines& run, std::string_view record, std::uint32_t number)
    {
        const Entry* entry = parser_.parse(record, run.format, number, run.source);
        if (entry == nullptr)
            return;
        ++order_;
        any_frequency_ = any_frequency_ || entry->frequency().has_value();
        numbers_ = numbers_ && !(entry->frequency() && std::isnan(*entry->frequency()));
        if (protocol_ && entry->protocol() != *protocol_)
            return;
        any_protocol_ = true;
        if (accept_ != nullptr && !accept_(*entry))
            ++left_out_;
        else if (entry->frequency() && best_.wants(*entry->frequency()))
            best_.add({*entry->frequency(), order_, std::string(record), sources::ends_a_record(run, record),
                       number});
    }

    Best best_;
    ProtocolFilter protocol_;
    EntryFilter accept_;
    std::size_t order_ = 0;
    std::size_t left_out_ = 0;
    bool any_frequency_ = false;
    bool any_protocol_ = false;
    bool numbers_ = true; // no frequency is NaN, which has no place in the order
    sources::MatchedRecords kept_;
    sources::RecordParser parser_;
};

} // namespace

std::optional<MostFrequent> load_most_frequent(std::span<const std::string> specs,
                                               std::optional<Format> format, std::size_t count,
                                               ProtocolFilter protocol, EntryFilter accept, std::string* note,
                                               std::size_t block_size)
{
    if (specs.size() > 1 || count == 0)
        return std::nullopt;
    TopScan scan(count, protocol, accept);
    const auto scan_run = [&](const SourceLines& run) {
        scan.scan(run);
        return true;
    };
    if (!scan_sources(specs, format, scan_run, note, block_size))
        return std::nullopt;
    return std::move(scan).result();
}

} // namespace portent::services

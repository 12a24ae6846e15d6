// Calendar dates of the registry: UTC days counted from 1970-01-01, and month/year arithmetic.
//
// Every deadline of the registry is a whole UTC day. A block's date is the UTC day of its time.
// Adding months keeps the day of the month, or takes the last day of the target month when that
// day does not exist there (31 August + 6 months = 28 or 29 February). "Within N months of D"
// means on or before add_months(D, N): the last day is allowed, the day after is refused.
// Pure functions; callable from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace priora::registry {

// Days since 1970-01-01 (UTC); negative before it.
using Day = std::int32_t;

inline constexpr std::uint64_t milliseconds_per_day = 86'400'000;

Day day_of_time_ms(std::uint64_t time_ms);
std::uint64_t time_ms_of_day(Day day);  // Midnight UTC at the start of `day` (day >= 0).
Day add_months(Day day, std::int32_t months);
Day add_years(Day day, std::int32_t years);
int year_of_day(Day day);
// "YYYY-MM-DD".
std::string day_to_iso(Day day);
// Parses "YYYY-MM-DD" (a real calendar date, years 1900..9999); nullopt otherwise.
std::optional<Day> day_from_iso(std::string_view text);
Day day_from_civil(int year, unsigned month, unsigned day);

}  // namespace priora::registry

#include "registry/calendar.h"

#include <chrono>
#include <cstdio>

namespace priora::registry {
namespace {

using namespace std::chrono;

year_month_day civil_of(Day day) {
  return year_month_day{sys_days{days{day}}};
}

Day day_of(const year_month_day& date) {
  return static_cast<Day>(sys_days{date}.time_since_epoch().count());
}

// Clamps a day of the month that does not exist (30 February) to the month's last day.
Day clamp_to_month(const year_month_day& date) {
  if (date.ok()) return day_of(date);
  const year_month_day_last last{date.year(), month_day_last{date.month()}};
  return day_of(year_month_day{last});
}

}  // namespace

Day day_of_time_ms(std::uint64_t time_ms) {
  return static_cast<Day>(time_ms / milliseconds_per_day);
}

std::uint64_t time_ms_of_day(Day day) {
  return day < 0 ? 0 : static_cast<std::uint64_t>(day) * milliseconds_per_day;
}

Day add_months(Day day, std::int32_t count) {
  const auto date = civil_of(day);
  const year_month_day shifted = date + months{count};
  return clamp_to_month(shifted);
}

Day add_years(Day day, std::int32_t count) {
  return add_months(day, count * 12);
}

int year_of_day(Day day) {
  return static_cast<int>(civil_of(day).year());
}

std::string day_to_iso(Day day) {
  const auto date = civil_of(day);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

Day day_from_civil(int year_number, unsigned month_number, unsigned day_number) {
  return day_of(
      year_month_day{year{year_number}, month{month_number}, std::chrono::day{day_number}});
}

std::optional<Day> day_from_iso(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int fields[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int field = 0; field < 3; ++field) {
    for (std::size_t i = 0; i < lengths[field]; ++i) {
      const char c = text[starts[field] + i];
      if (c < '0' || c > '9') return std::nullopt;
      fields[field] = fields[field] * 10 + (c - '0');
    }
  }
  if (fields[0] < 1900) return std::nullopt;
  const year_month_day date{year{fields[0]}, month{static_cast<unsigned>(fields[1])},
                            std::chrono::day{static_cast<unsigned>(fields[2])}};
  if (!date.ok()) return std::nullopt;
  return day_of(date);
}

}  // namespace priora::registry

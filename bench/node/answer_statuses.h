// The load generator's reading of POST /v1/txs answers (bench/node/load_bench.cpp).
#pragma once

#include <cstring>
#include <string_view>
#include <vector>

namespace priora::bench {

// The statuses of an answer's results ({"results": [{"status": ...}, ...]}). The generator
// shares the machine with the nodes, and lexing every character of the records as a JSON
// parser does took 44 % of its CPU (docs/performance.md, eighteenth series): this skims the
// structure instead, stepping over each string to its closing quote with memchr, and keeps
// the values of "status" in the objects of the top-level "results" list. False when the
// brackets or quotes do not match.
inline bool read_statuses(std::string_view text, std::vector<std::string_view>& statuses) {
  struct Container {
    bool object = false;
    bool expect_key = false;  // In an object: the next string is a key.
    std::string_view key;     // In an object: the key of the value being read.
  };
  std::vector<Container> open;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '{' || c == '[') {
      open.push_back({c == '{', c == '{', {}});
      ++i;
    } else if (c == '}' || c == ']') {
      if (open.empty() || open.back().object != (c == '}')) return false;
      open.pop_back();
      ++i;
    } else if (c == ',') {
      if (!open.empty() && open.back().object) open.back().expect_key = true;
      ++i;
    } else if (c == '"') {
      // The closing quote is the first one after an even number of backslashes.
      std::size_t end = i + 1;
      for (;;) {
        const void* quote = std::memchr(text.data() + end, '"', text.size() - end);
        if (quote == nullptr) return false;
        end = static_cast<std::size_t>(static_cast<const char*>(quote) - text.data());
        std::size_t backslashes = 0;
        while (end - backslashes > i + 1 && text[end - backslashes - 1] == '\\') ++backslashes;
        if (backslashes % 2 == 0) break;
        ++end;
      }
      const std::string_view string = text.substr(i + 1, end - i - 1);
      if (!open.empty() && open.back().object && open.back().expect_key) {
        open.back().key = string;
        open.back().expect_key = false;
      } else if (open.size() == 3 && open[0].key == "results" && !open[1].object &&
                 open[2].key == "status") {
        statuses.push_back(string);
      }
      i = end + 1;
    } else {
      ++i;  // ':', white space, numbers, true, false, null.
    }
  }
  return open.empty();
}

}  // namespace priora::bench

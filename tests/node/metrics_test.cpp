// The values of /metrics, written so that a reader gets back what the node counted.
#include <catch2/catch.hpp>

#include <string>

#include "node/internal/node_impl.h"

using priora::node::metric_value;

TEST_CASE("metrics: a counter is written with all its digits and a fraction reads back the same") {
  // An ostream's default precision wrote 1234567 as 1.23457e+06.
  CHECK(metric_value(0) == "0");
  CHECK(metric_value(1e6) == "1000000");
  CHECK(metric_value(1234567) == "1234567");
  CHECK(metric_value(9007199254740992.0) == "9007199254740992");
  CHECK(metric_value(-3) == "-3");
  CHECK(metric_value(0.25) == "0.25");
  for (double value : {0.1, 1234567.125, 1e300, 3.0e16 + 4.0})
    CHECK(std::stod(metric_value(value)) == value);
}

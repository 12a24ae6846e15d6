// The read side of the client API; endpoints in docs/api.md.
#include "node/api.h"

namespace priora::node {

http::Response json_response(unsigned status, const nlohmann::json& body) {
  http::Response response;
  response.status = status;
  response.body = body.dump();
  return response;
}

http::Response error_response(unsigned status, std::string_view code, std::string_view message) {
  return json_response(status, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace priora::node

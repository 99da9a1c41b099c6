#include "orchestrator/pods/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "orchestrator/errc.h"

namespace hayloft::orchestrator::pods {

result<std::uint16_t> free_loopback_port(std::string_view protocol) {
  int fd = ::socket(AF_INET, (protocol == "UDP" ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) return error{make_error_code(errc::internal), std::string("socket: ") + std::strerror(errno)};
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = 0;
  socklen_t len = sizeof sa;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    std::string msg = std::string("bind 127.0.0.1:0: ") + std::strerror(errno);
    ::close(fd);
    return error{make_error_code(errc::internal), msg};
  }
  ::close(fd);
  return static_cast<std::uint16_t>(ntohs(sa.sin_port));
}

std::string port_env_name(std::string_view port_name) {
  std::string out;
  for (char c : port_name) out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out + "_PORT";
}

}  // namespace hayloft::orchestrator::pods

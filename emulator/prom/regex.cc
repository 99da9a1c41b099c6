#include "emulator/prom/regex.h"

#include <memory>

#include "emulator/prom/errc.h"

namespace hayloft::prom {
namespace {

using byte_set = std::bitset<256>;
constexpr std::size_t max_program = 20000;
constexpr int max_repeat = 1000;

struct node {
  enum class kind { set, concat, alt, repeat, bol, eol } k;
  byte_set set;
  std::vector<std::unique_ptr<node>> kids;
  int min = 0, max = 0;  // repeat; max < 0 = unbounded
};
using node_ptr = std::unique_ptr<node>;

node_ptr make(node::kind k) {
  auto n = std::make_unique<node>();
  n->k = k;
  return n;
}

byte_set range(unsigned char a, unsigned char b) {
  byte_set s;
  for (unsigned c = a; c <= b; ++c) s.set(c);
  return s;
}

void add_case_folds(byte_set& s) {
  for (unsigned c = 'a'; c <= 'z'; ++c) {
    if (s.test(c)) s.set(c - 'a' + 'A');
    if (s.test(c - 'a' + 'A')) s.set(c);
  }
}

class parser {
 public:
  explicit parser(std::string_view p) : p_(p) {}

  result<node_ptr> parse() {
    auto n = alternation(false);
    if (!n) return n;
    if (i_ < p_.size()) return fail("unexpected )");
    return n;
  }

 private:
  error fail(const std::string& what) const {
    return error{make_error_code(errc::bad_data),
                 "error parsing regexp: " + what + " in `" + std::string(p_) + "`"};
  }
  bool at(char c) const { return i_ < p_.size() && p_[i_] == c; }

  result<node_ptr> alternation(bool in_group) {
    auto alt = make(node::kind::alt);
    const bool saved_icase = icase_;
    while (true) {
      auto c = concatenation(in_group);
      if (!c) return c;
      alt->kids.push_back(std::move(*c));
      if (!at('|')) break;
      ++i_;
    }
    icase_ = saved_icase;
    if (alt->kids.size() == 1) return std::move(alt->kids[0]);
    return alt;
  }

  result<node_ptr> concatenation(bool in_group) {
    auto cat = make(node::kind::concat);
    while (i_ < p_.size() && !at('|') && !(at(')') && in_group)) {
      if (at(')')) return fail("unexpected )");
      auto a = atom();
      if (!a) return a;
      if (!*a) continue;  // a flag group such as (?i) produces nothing
      node_ptr cur = std::move(*a);
      while (i_ < p_.size() && (at('*') || at('+') || at('?') || at('{'))) {
        int lo = 0, hi = -1;
        std::size_t save = i_;
        char q = p_[i_++];
        if (q == '+') lo = 1;
        else if (q == '?') hi = 1;
        else if (q == '{') {
          if (!repeat_bounds(lo, hi)) {
            // RE2 treats a '{' that does not start a valid repeat as a literal.
            i_ = save;
            break;
          }
        }
        if (cur->k == node::kind::repeat && cur->kids.empty()) return fail("bad repetition operator");
        if (at('?')) ++i_;  // lazy: the same full-match result
        auto r = make(node::kind::repeat);
        r->min = lo;
        r->max = hi;
        r->kids.push_back(std::move(cur));
        cur = std::move(r);
        if (i_ < p_.size() && (at('*') || at('+') || at('?')))
          return fail("bad repetition operator: " + std::string(p_.substr(save, i_ - save + 1)));
      }
      cat->kids.push_back(std::move(cur));
    }
    return cat;
  }

  bool repeat_bounds(int& lo, int& hi) {
    auto number = [&](int& out) {
      std::size_t start = i_;
      long v = 0;
      while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') {
        v = v * 10 + (p_[i_] - '0');
        if (v > 100000) v = 100000;
        ++i_;
      }
      out = static_cast<int>(v);
      return i_ > start;
    };
    if (!number(lo)) return false;
    hi = lo;
    if (at(',')) {
      ++i_;
      if (at('}')) hi = -1;
      else if (!number(hi)) return false;
    }
    if (!at('}')) return false;
    ++i_;
    return true;
  }

  node_ptr set_node(byte_set s) {
    if (icase_) add_case_folds(s);
    auto n = make(node::kind::set);
    n->set = s;
    return n;
  }

  // Returns a null node for flag-only groups.
  result<node_ptr> atom() {
    char c = p_[i_++];
    switch (c) {
      case '.': return set_node(byte_set().set());
      case '^': return make(node::kind::bol);
      case '$': return make(node::kind::eol);
      case '*':
      case '+':
      case '?': return fail("missing argument to repetition operator: " + std::string(1, c));
      case '[': return char_class();
      case '\\': {
        auto s = escape(false);
        if (!s) return s.err();
        if ((*s)->k != node::kind::set) return std::move(*s);
        return set_node((*s)->set);
      }
      case '(': return group();
      default: {
        byte_set s;
        s.set(static_cast<unsigned char>(c));
        return set_node(s);
      }
    }
  }

  result<node_ptr> group() {
    if (at('?')) {
      ++i_;
      if (at(':')) {
        ++i_;
        return group_body(icase_);
      }
      if (at('P') || at('<')) {
        if (at('P')) ++i_;
        if (!at('<')) return fail("invalid named capture");
        auto close = p_.find('>', i_);
        if (close == std::string_view::npos) return fail("invalid named capture");
        i_ = close + 1;
        return group_body(icase_);
      }
      bool icase = icase_;
      bool neg = false;
      while (i_ < p_.size() && !at(')') && !at(':')) {
        char f = p_[i_++];
        if (f == '-') neg = true;
        else if (f == 'i') icase = !neg;
        else if (f == 's') continue;  // '.' already matches newline
        else return fail("invalid or unsupported Perl syntax: (?" + std::string(1, f));
      }
      if (at(')')) {
        ++i_;
        icase_ = icase;
        return node_ptr{};
      }
      if (!at(':')) return fail("missing closing )");
      ++i_;
      return group_body(icase);
    }
    return group_body(icase_);
  }

  result<node_ptr> group_body(bool icase) {
    const bool saved = icase_;
    icase_ = icase;
    auto n = alternation(true);
    icase_ = saved;
    if (!n) return n;
    if (!at(')')) return fail("missing closing )");
    ++i_;
    return n;
  }

  // After a backslash. In a class only sets are valid.
  result<node_ptr> escape(bool in_class) {
    if (i_ >= p_.size()) return fail("trailing backslash at end of expression");
    char c = p_[i_++];
    byte_set s;
    switch (c) {
      case 'd': s = range('0', '9'); break;
      case 'D': s = ~range('0', '9'); break;
      case 'w': s = range('0', '9') | range('a', 'z') | range('A', 'Z'); s.set('_'); break;
      case 'W': s = range('0', '9') | range('a', 'z') | range('A', 'Z'); s.set('_'); s.flip(); break;
      case 's': s.set('\t'); s.set('\n'); s.set('\f'); s.set('\r'); s.set(' '); break;
      case 'S': s.set('\t'); s.set('\n'); s.set('\f'); s.set('\r'); s.set(' '); s.flip(); break;
      case 'n': s.set('\n'); break;
      case 't': s.set('\t'); break;
      case 'r': s.set('\r'); break;
      case 'f': s.set('\f'); break;
      case 'v': s.set('\v'); break;
      case 'A':
        if (in_class) return fail("invalid escape sequence: \\A");
        return make(node::kind::bol);
      case 'z':
        if (in_class) return fail("invalid escape sequence: \\z");
        return make(node::kind::eol);
      default:
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
          return fail("invalid or unsupported escape sequence: \\" + std::string(1, c));
        s.set(static_cast<unsigned char>(c));
    }
    auto n = make(node::kind::set);
    n->set = s;
    return n;
  }

  result<node_ptr> char_class() {
    byte_set s;
    bool negate = false;
    if (at('^')) {
      negate = true;
      ++i_;
    }
    bool first = true;
    while (true) {
      if (i_ >= p_.size()) return fail("missing closing ]");
      if (at(']') && !first) {
        ++i_;
        break;
      }
      first = false;
      if (p_.substr(i_, 2) == "[:") {
        auto close = p_.find(":]", i_ + 2);
        if (close == std::string_view::npos) return fail("missing closing ]");
        auto name = p_.substr(i_ + 2, close - i_ - 2);
        i_ = close + 2;
        auto named = posix_class(name);
        if (!named) return fail("invalid character class range: [:" + std::string(name) + ":]");
        s |= *named;
        continue;
      }
      unsigned char lo;
      if (at('\\')) {
        ++i_;
        auto e = escape(true);
        if (!e) return e.err();
        if ((*e)->set.count() != 1) {
          s |= (*e)->set;
          continue;
        }
        lo = static_cast<unsigned char>((*e)->set._Find_first());
      } else {
        lo = static_cast<unsigned char>(p_[i_++]);
      }
      if (at('-') && i_ + 1 < p_.size() && p_[i_ + 1] != ']') {
        ++i_;
        unsigned char hi;
        if (at('\\')) {
          ++i_;
          auto e = escape(true);
          if (!e) return e.err();
          if ((*e)->set.count() != 1) return fail("invalid character class range");
          hi = static_cast<unsigned char>((*e)->set._Find_first());
        } else {
          hi = static_cast<unsigned char>(p_[i_++]);
        }
        if (hi < lo) return fail("invalid character class range");
        s |= range(lo, hi);
      } else {
        s.set(lo);
      }
    }
    if (icase_) add_case_folds(s);
    if (negate) s.flip();
    auto n = make(node::kind::set);
    n->set = s;
    return n;
  }

  static std::optional<byte_set> posix_class(std::string_view name) {
    byte_set s;
    if (name == "alpha") s = range('a', 'z') | range('A', 'Z');
    else if (name == "digit") s = range('0', '9');
    else if (name == "alnum") s = range('a', 'z') | range('A', 'Z') | range('0', '9');
    else if (name == "upper") s = range('A', 'Z');
    else if (name == "lower") s = range('a', 'z');
    else if (name == "space") s = range('\t', '\r'), s.set(' ');
    else if (name == "xdigit") s = range('0', '9') | range('a', 'f') | range('A', 'F');
    else if (name == "word") s = range('a', 'z') | range('A', 'Z') | range('0', '9'), s.set('_');
    else if (name == "punct") s = range('!', '/') | range(':', '@') | range('[', '`') | range('{', '~');
    else return std::nullopt;
    return s;
  }

  std::string_view p_;
  std::size_t i_ = 0;
  bool icase_ = false;
};

class compiler {
 public:
  compiler(std::vector<regex::inst>& prog, std::vector<byte_set>& sets) : prog_(prog), sets_(sets) {}

  bool emit(const node& n) {
    if (prog_.size() > max_program) return false;
    switch (n.k) {
      case node::kind::set:
        sets_.push_back(n.set);
        prog_.push_back({regex::inst::op::set, static_cast<int>(sets_.size() - 1), 0});
        return true;
      case node::kind::bol: prog_.push_back({regex::inst::op::bol}); return true;
      case node::kind::eol: prog_.push_back({regex::inst::op::eol}); return true;
      case node::kind::concat:
        for (const auto& k : n.kids)
          if (!emit(*k)) return false;
        return true;
      case node::kind::alt: {
        std::vector<std::size_t> jumps;
        for (std::size_t i = 0; i < n.kids.size(); ++i) {
          std::size_t split = prog_.size();
          bool last = i + 1 == n.kids.size();
          if (!last) prog_.push_back({regex::inst::op::split});
          if (!emit(*n.kids[i])) return false;
          if (!last) {
            jumps.push_back(prog_.size());
            prog_.push_back({regex::inst::op::jmp});
            prog_[split].x = static_cast<int>(split + 1);
            prog_[split].y = static_cast<int>(prog_.size());
          }
        }
        for (auto j : jumps) prog_[j].x = static_cast<int>(prog_.size());
        return true;
      }
      case node::kind::repeat: {
        if (n.min > max_repeat || n.max > max_repeat) return false;
        for (int i = 0; i < n.min; ++i)
          if (!emit(*n.kids[0])) return false;
        if (n.max < 0) {
          std::size_t split = prog_.size();
          prog_.push_back({regex::inst::op::split});
          if (!emit(*n.kids[0])) return false;
          prog_.push_back({regex::inst::op::jmp, static_cast<int>(split)});
          prog_[split].x = static_cast<int>(split + 1);
          prog_[split].y = static_cast<int>(prog_.size());
          return true;
        }
        std::vector<std::size_t> splits;
        for (int i = n.min; i < n.max; ++i) {
          splits.push_back(prog_.size());
          prog_.push_back({regex::inst::op::split});
          if (!emit(*n.kids[0])) return false;
        }
        for (auto s : splits) {
          prog_[s].x = static_cast<int>(s + 1);
          prog_[s].y = static_cast<int>(prog_.size());
        }
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<regex::inst>& prog_;
  std::vector<byte_set>& sets_;
};

bool is_plain_literal(std::string_view p) {
  for (char c : p)
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) return false;
  return true;
}

}  // namespace

result<regex> regex::compile(std::string_view pattern) {
  regex r;
  r.pattern_ = std::string(pattern);
  if (is_plain_literal(pattern)) {
    r.literal_ = std::string(pattern);
    return r;
  }
  parser p(pattern);
  auto tree = p.parse();
  if (!tree) return tree.err();
  compiler c(r.prog_, r.sets_);
  if (!c.emit(**tree))
    return error{make_error_code(errc::bad_data),
                 "error parsing regexp: expression too large in `" + std::string(pattern) + "`"};
  r.prog_.push_back({inst::op::match});
  return r;
}

bool regex::full_match(std::string_view s) const {
  if (literal_) return s == *literal_;
  const std::size_t n = prog_.size();
  std::vector<int> clist, nlist, stack;
  std::vector<std::size_t> mark(n, 0);
  std::size_t generation = 0;
  clist.reserve(n);
  nlist.reserve(n);
  // Adds the thread at pc and every thread reachable from it without consuming input.
  auto add = [&](std::vector<int>& list, int start, std::size_t pos) {
    stack.push_back(start);
    while (!stack.empty()) {
      int pc = stack.back();
      stack.pop_back();
      if (mark[pc] == generation) continue;
      mark[pc] = generation;
      const inst& in = prog_[pc];
      switch (in.code) {
        case inst::op::jmp: stack.push_back(in.x); break;
        case inst::op::split:
          stack.push_back(in.y);
          stack.push_back(in.x);
          break;
        case inst::op::bol:
          if (pos == 0) stack.push_back(pc + 1);
          break;
        case inst::op::eol:
          if (pos == s.size()) stack.push_back(pc + 1);
          break;
        default: list.push_back(pc);
      }
    }
  };
  ++generation;
  add(clist, 0, 0);
  for (std::size_t pos = 0; pos < s.size() && !clist.empty(); ++pos) {
    ++generation;
    nlist.clear();
    const unsigned char c = static_cast<unsigned char>(s[pos]);
    for (int pc : clist) {
      const inst& in = prog_[pc];
      if (in.code == inst::op::set && sets_[in.x].test(c)) add(nlist, pc + 1, pos + 1);
    }
    std::swap(clist, nlist);
  }
  for (int pc : clist)
    if (prog_[pc].code == inst::op::match) return true;
  return false;
}

}  // namespace hayloft::prom

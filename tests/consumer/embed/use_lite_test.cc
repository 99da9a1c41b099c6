#include "consumer/embed/use_lite.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "tests/consumer/embed/test_support.h"

namespace hayloft::embed {
namespace {

class EmbedUseLiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = use_lite::load(testing::model_dir());
    ASSERT_TRUE(m.ok()) << testing::missing_model_message() << " (" << m.err().message << ")";
    model_ = std::move(*m);
  }

  std::vector<embedding> embed(const std::vector<std::string>& texts) const {
    auto r = model_->embed(texts);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
    return r.ok() ? std::move(*r) : std::vector<embedding>(texts.size(), embedding(512));
  }

  static float max_abs_diff(const embedding& a, const embedding& b) {
    float d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
    return d;
  }

  static std::string long_text(int sentences) {
    static const char* parts[] = {
        "The storage service keeps every uploaded object on the local disk.",
        "A queue message names the key of the object that should be indexed.",
        "Workers convert documents to text and split them into passages.",
        "Each passage is embedded and written to the document store.",
        "Search ranks the stored passages by cosine similarity to the query.",
    };
    std::string out;
    for (int i = 0; i < sentences; ++i) out += std::string(parts[i % 5]) + " ";
    return out;
  }

  std::unique_ptr<use_lite> model_;
};

TEST_F(EmbedUseLiteTest, DescribesItself) {
  EXPECT_EQ(model_->name(), "use-lite-512");
  EXPECT_EQ(model_->dimension(), 512u);
  EXPECT_EQ(model_->max_tokens(), 128u);
  EXPECT_GE(model_->threads(), 1u);
}

TEST_F(EmbedUseLiteTest, MatchesTheTfjsModelOnEveryGoldenSentence) {
  const nlohmann::json g = testing::golden("use_golden.json");
  ASSERT_TRUE(g.is_object()) << "use_golden.json missing from tests/testdata/embedder";
  const auto sents = g["sents"].get<std::vector<std::string>>();
  const auto want = g["emb"].get<std::vector<embedding>>();
  ASSERT_EQ(sents.size(), want.size());
  // Together in one batch, and each alone: both must match the reference.
  const auto batch = embed(sents);
  for (std::size_t i = 0; i < sents.size(); ++i) {
    ASSERT_EQ(batch[i].size(), 512u);
    EXPECT_LT(max_abs_diff(batch[i], want[i]), 1e-4f) << sents[i];
    const auto alone = embed({sents[i]});
    EXPECT_LT(max_abs_diff(alone[0], want[i]), 1e-4f) << sents[i];
  }
}

TEST_F(EmbedUseLiteTest, GoldenTokenIdsGiveTheGoldenEmbeddings) {
  const nlohmann::json g = testing::golden("use_golden.json");
  ASSERT_TRUE(g.is_object()) << "use_golden.json missing from tests/testdata/embedder";
  const auto tokens = g["tokens"].get<std::vector<std::vector<std::int32_t>>>();
  const auto want = g["emb"].get<std::vector<embedding>>();
  auto got = model_->embed_ids(tokens);
  ASSERT_TRUE(got.ok());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_LT(max_abs_diff((*got)[i], want[i]), 1e-4f);
}

TEST_F(EmbedUseLiteTest, OutputsAreUnitVectors) {
  for (const auto& v :
       embed({"hello", "", "a much longer sentence about nothing in particular", long_text(40)})) {
    double sq = 0;
    for (float x : v) sq += x * x;
    EXPECT_NEAR(sq, 1.0, 1e-5);
  }
}

TEST_F(EmbedUseLiteTest, ParaphrasesAreCloserThanUnrelatedSentences) {
  struct pair_case {
    std::string a, paraphrase, unrelated;
  };
  const std::vector<pair_case> cases = {
      {"How do I reset my password?", "I forgot my login credentials and need to change them.",
       "The cat sat on the mat."},
      {"Quarterly revenue grew by 12 percent.", "Sales increased in the last three months.",
       "How do I reset my password?"},
      {"The weather is lovely today.", "It is a beautiful sunny day outside.",
       "The invoice must be paid within thirty days."},
      {"Where is the nearest train station?", "How can I get to the closest railway station?",
       "My favourite fruit is a ripe mango."},
      {"The meeting has been moved to Friday afternoon.",
       "We rescheduled the meeting for Friday after lunch.",
       "Penguins live in the southern hemisphere."},
  };
  for (const auto& c : cases) {
    const auto v = embed({c.a, c.paraphrase, c.unrelated});
    const float close = cosine(v[0], v[1]);
    const float far = cosine(v[0], v[2]);
    EXPECT_GT(close, far + 0.1f) << c.a << " | " << c.paraphrase << " vs " << c.unrelated;
  }
}

TEST_F(EmbedUseLiteTest, ABatchGivesWhatEachTextGetsAlone) {
  const std::vector<std::string> texts = {"short", "", long_text(30),
                                          "a medium sized sentence for the batch", long_text(7)};
  const auto together = embed(texts);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_LT(max_abs_diff(together[i], embed({texts[i]})[0]), 1e-5f) << i;
  }
}

TEST(EmbedWindowsTest, SplitsLongInputsIntoTheFewestOverlappingWindowsThatReachTheEnd) {
  using w = token_window;
  EXPECT_EQ(split_windows(0, 128, 8), (std::vector<w>{{0, 0}}));
  EXPECT_EQ(split_windows(5, 128, 8), (std::vector<w>{{0, 5}}));
  EXPECT_EQ(split_windows(128, 128, 8), (std::vector<w>{{0, 128}}));
  EXPECT_EQ(split_windows(129, 128, 8), (std::vector<w>{{0, 128}, {1, 128}}));
  EXPECT_EQ(split_windows(248, 128, 8), (std::vector<w>{{0, 128}, {120, 128}}));
  EXPECT_EQ(split_windows(249, 128, 8), (std::vector<w>{{0, 128}, {60, 128}, {121, 128}}));
  EXPECT_EQ(split_windows(356, 128, 8), (std::vector<w>{{0, 128}, {114, 128}, {228, 128}}));
  EXPECT_EQ(split_windows(369, 128, 8),
            (std::vector<w>{{0, 128}, {80, 128}, {160, 128}, {241, 128}}));
  for (std::size_t overlap : {0, 8, 32, 100}) {
    for (std::size_t n = 129; n < 2000; n += 7) {
      const auto ws = split_windows(n, 128, overlap);
      EXPECT_EQ(ws.front().begin, 0u);
      EXPECT_EQ(ws.back().begin + ws.back().length, n);
      for (std::size_t i = 1; i < ws.size(); ++i) {
        EXPECT_EQ(ws[i].length, 128u);
        EXPECT_GE(ws[i - 1].begin + 128, ws[i].begin + overlap) << n << " " << i;
      }
      // One window fewer could not cover the text with that overlap.
      EXPECT_LT((ws.size() - 1) * 128 - (ws.size() - 2) * overlap, n) << n;
    }
  }
}

TEST_F(EmbedUseLiteTest, LongTextIsTheMeanOfItsWindows) {
  const std::string text = long_text(30);
  const auto ids = model_->vocabulary().encode(text);
  ASSERT_GT(ids.size(), 300u);
  std::vector<std::vector<std::int32_t>> windows;
  const auto ws = model_->windows(ids.size());
  ASSERT_GE(ws.size(), 3u);
  for (const auto& w : ws) {
    windows.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(w.begin),
                         ids.begin() + static_cast<std::ptrdiff_t>(w.begin + w.length));
  }
  auto parts = model_->embed_ids(windows);
  ASSERT_TRUE(parts.ok());
  embedding mean(512, 0.0f);
  for (const auto& p : *parts) {
    for (std::size_t j = 0; j < 512; ++j) mean[j] += p[j];
  }
  double sq = 0;
  for (float x : mean) sq += x * x;
  for (float& x : mean) x = static_cast<float>(x / std::sqrt(sq));
  EXPECT_LT(max_abs_diff(embed({text})[0], mean), 1e-5f);
}

TEST_F(EmbedUseLiteTest, TheTailOfALongTextChangesItsEmbedding) {
  const std::string head = long_text(20);  // well past 128 tokens
  ASSERT_GT(model_->vocabulary().encode(head).size(), 200u);
  const auto v = embed({head + "Bananas are yellow and grow in tropical climates.",
                        head + "The invoice must be paid within thirty days."});
  EXPECT_LT(cosine(v[0], v[1]), 0.999f);
  // And the first 128 tokens alone are not the whole story either.
  const auto ids = model_->vocabulary().encode(head);
  auto first =
      model_->embed_ids(std::vector<std::vector<std::int32_t>>{{ids.begin(), ids.begin() + 128}});
  ASSERT_TRUE(first.ok());
  EXPECT_LT(cosine(v[0], (*first)[0]), 0.9999f);
}

TEST_F(EmbedUseLiteTest, ConcurrentCallersGetTheSameAnswers) {
  std::vector<std::string> texts;
  for (int i = 0; i < 6; ++i) texts.push_back(long_text(i * 3 + 1) + std::to_string(i));
  const auto expected = embed(texts);
  std::vector<std::vector<embedding>> got(3);
  std::vector<std::thread> callers;
  for (std::size_t t = 0; t < got.size(); ++t) {
    callers.emplace_back([&, t] {
      for (int round = 0; round < 2; ++round) {
        auto r = model_->embed(texts);
        if (r.ok()) got[t] = std::move(*r);
      }
    });
  }
  for (auto& c : callers) c.join();
  for (const auto& g : got) {
    ASSERT_EQ(g.size(), texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i)
      EXPECT_LT(max_abs_diff(g[i], expected[i]), 1e-5f);
  }
}

TEST_F(EmbedUseLiteTest, EmptyInputGivesNoVectors) {
  auto r = model_->embed(std::vector<std::string>{});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST_F(EmbedUseLiteTest, RefusesOversizedTextsAndBadIds) {
  auto big =
      model_->embed(std::vector<std::string>{std::string(embedder::max_text_bytes + 1, 'a')});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.code(), errc::input_too_large);
  auto bad = model_->embed_ids(std::vector<std::vector<std::int32_t>>{{5, 8002}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), errc::invalid_token);
  auto negative = model_->embed_ids(std::vector<std::vector<std::int32_t>>{{-1}});
  EXPECT_EQ(negative.code(), errc::invalid_token);
}

}  // namespace
}  // namespace hayloft::embed

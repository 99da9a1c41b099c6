// sqs/service/message_rules: the Number data type, attribute rules and message size.
#include <gtest/gtest.h>

#include <string>

#include "sqs/api/errors.h"
#include "sqs/service/message_rules.h"

namespace hayloft::sqs {
namespace {

api::message_attribute attr(std::string name, std::string type, std::string value) {
  api::message_attribute a;
  a.name = std::move(name);
  a.data_type = std::move(type);
  a.string_value = std::move(value);
  return a;
}

TEST(SqsNumber, AcceptsDecimalSyntax) {
  for (const char* s : {"0", "-0", "+0", "42", "-42", "+42", "3.14159", "007", "42.", ".5", "1e5", "1E5", "1.5e-10",
                        "-2.5E+3", "0.000", "0e999999999999999999999"})
    EXPECT_TRUE(valid_number(s)) << s;
}

TEST(SqsNumber, RejectsWhatIsNotANumber) {
  for (const char* s : {"", "-", "+", ".", "-.", "1.2.3", "42abc", "abc", "4 2", " 1", "1 ", "1,000", "0x1f", "1_000",
                        "1e", "1e+", "1e-", "1ex", "e5", "Inf", "NaN", "--1", "+-1", "1e5.0", "1e5e5"})
    EXPECT_FALSE(valid_number(s)) << s;
}

TEST(SqsNumber, AtMost38SignificantDigits) {
  EXPECT_TRUE(valid_number(std::string(38, '9')));
  EXPECT_FALSE(valid_number(std::string(39, '9')));
  // Leading and trailing zeros are not significant.
  EXPECT_TRUE(valid_number("000" + std::string(38, '9') + ".000"));
  EXPECT_TRUE(valid_number("1" + std::string(100, '0')));
  EXPECT_TRUE(valid_number("0.000" + std::string(38, '7')));
  EXPECT_FALSE(valid_number("1." + std::string(37, '0') + "1"));  // 39 digits from the first to the last
}

TEST(SqsNumber, MagnitudeFrom10ToTheMinus128To10ToThe126) {
  EXPECT_TRUE(valid_number("1" + std::string(126, '0')));   // 10^126
  EXPECT_TRUE(valid_number("-1" + std::string(126, '0')));  // -10^126
  EXPECT_TRUE(valid_number("1e126"));
  EXPECT_TRUE(valid_number("10e125"));
  EXPECT_TRUE(valid_number("9.99e125"));
  EXPECT_FALSE(valid_number("1" + std::string(125, '0') + "1"));  // 10^126 + 1
  EXPECT_FALSE(valid_number("2" + std::string(126, '0')));
  EXPECT_FALSE(valid_number("1.1e126"));
  EXPECT_FALSE(valid_number("1e127"));
  EXPECT_FALSE(valid_number("-1e127"));
  EXPECT_TRUE(valid_number("1e-128"));
  EXPECT_TRUE(valid_number("-1e-128"));
  EXPECT_TRUE(valid_number("0." + std::string(127, '0') + "1"));  // 10^-128
  EXPECT_FALSE(valid_number("0." + std::string(128, '0') + "1"));
  EXPECT_FALSE(valid_number("9e-129"));
  EXPECT_FALSE(valid_number("1e999999999999999999999999"));
  EXPECT_FALSE(valid_number("1e-999999999999999999999999"));
}

// Issue 14: a 30,000-digit value took GCC's recursive regex engine down with the whole process.
TEST(SqsNumber, HugeInputsAreRejectedInLinearTime) {
  EXPECT_FALSE(valid_number(std::string(30000, '1')));
  EXPECT_FALSE(valid_number(std::string(1 << 20, '9')));
  EXPECT_FALSE(valid_number("1" + std::string(1 << 20, '0')));
  EXPECT_FALSE(valid_number("0." + std::string(1 << 20, '0') + "1"));
  EXPECT_TRUE(valid_number(std::string(1 << 20, '0')));
}

TEST(SqsAttributes, NumberRuleAndMessage) {
  EXPECT_TRUE(check_attribute(attr("n", "Number", "12.5")).ok());
  EXPECT_TRUE(check_attribute(attr("n", "Number.java.lang.Long", "12")).ok());
  auto bad = check_attribute(attr("Age", "Number", std::string(30000, '1')));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.err().code, make_error_code(errc::invalid_parameter_value));
  EXPECT_EQ(bad.err().message, "Can't cast the value of message (user) attribute 'Age' to a number.");
  EXPECT_FALSE(check_attribute(attr("n", "Number.custom", "1e127")).ok());
}

TEST(SqsAttributes, NameTypeAndValueRules) {
  EXPECT_TRUE(check_attribute(attr("a-b_c.d", "String", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("", "String", "v")).ok());
  EXPECT_FALSE(check_attribute(attr(std::string(257, 'a'), "String", "v")).ok());
  EXPECT_TRUE(check_attribute(attr(std::string(256, 'a'), "String", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("has space", "String", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("aws.x", "String", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("AMAZON.x", "String", "v")).ok());
  EXPECT_FALSE(check_attribute(attr(".a", "String", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("a.", "String", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("a..b", "String", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("a", "", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("a", "Float", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("a", "Strings", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("a", "String." + std::string(250, 'x'), "v")).ok());
  EXPECT_TRUE(check_attribute(attr("a", "String.\xE2\x82\xAC", "v")).ok());
  EXPECT_FALSE(check_attribute(attr("a", std::string("String.\0", 8), "v")).ok());
  EXPECT_FALSE(check_attribute(attr("a", "Number.\xff", "1")).ok());
  EXPECT_FALSE(check_attribute(attr("a", "String", "")).ok());
  EXPECT_FALSE(check_attribute(attr("a", "String", std::string("\x01", 1))).ok());
  EXPECT_FALSE(check_attribute(attr("a", "String", "\xff")).ok());
  auto bin = attr("b", "Binary", "");
  EXPECT_FALSE(check_attribute(bin).ok());
  bin.binary_value = std::string("\0\xff", 2);
  EXPECT_TRUE(check_attribute(bin).ok());
}

TEST(SqsMessageSize, CountsBodyAndEveryPartOfEveryAttribute) {
  api::send_entry e;
  e.message_body = std::string(100, 'x');
  EXPECT_EQ(message_size(e), 100);
  e.message_attributes.push_back(attr("name", "String", "value"));  // 4 + 6 + 5
  auto b = attr("bin", "Binary", "");
  b.binary_value = std::string(7, '\0');  // 3 + 6 + 7
  e.message_attributes.push_back(b);
  EXPECT_EQ(message_size(e), 100 + 15 + 16);
}

}  // namespace
}  // namespace hayloft::sqs

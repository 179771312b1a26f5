#include "demo/names.h"

namespace sl::demo {

std::string PersonName(Random& random, bool male) {
  std::string name(PickWeighted<WeightedWord>(random, kSurnames).text);
  const std::span<const std::string_view> given = male ? std::span<const std::string_view>(kMaleGiven)
                                                       : std::span<const std::string_view>(kFemaleGiven);
  // About a quarter of people born since the 1970s have one-character given names.
  const int length = random.Chance(0.25) ? 1 : 2;
  std::string_view previous;
  for (int i = 0; i < length; ++i) {
    std::string_view c = random.Pick(given);
    if (c == previous) c = random.Pick(given);  // "伟伟" exists but is rare
    name += c;
    previous = c;
  }
  return name;
}

std::string MobilePhone(Random& random) {
  static constexpr std::string_view kPrefixes[] = {"130", "131", "132", "133", "135", "136", "137", "138", "139",
                                                   "150", "151", "152", "153", "155", "157", "158", "159", "177",
                                                   "180", "181", "182", "183", "186", "187", "188", "189", "199"};
  return std::string(random.Pick(std::span<const std::string_view>(kPrefixes))) + random.Digits(8);
}

namespace {

// GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

int Gb11714Value(char c) { return c <= '9' ? c - '0' : c - 'A' + 10; }

}  // namespace

std::string CreditCode(Random& random) {
  std::string code = "91330483";
  // Organisation code body: mostly digits, as most real ones are.
  std::string organisation;
  for (int i = 0; i < 8; ++i) {
    organisation += random.Chance(0.85) ? static_cast<char>('0' + random.Int(0, 9))
                                        : kCreditAlphabet[static_cast<size_t>(random.Int(10, 30))];
  }
  static constexpr int kOrgWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += Gb11714Value(organisation[i]) * kOrgWeights[i];
  const int org_check = 11 - sum % 11;
  organisation += org_check == 10 ? 'X' : org_check == 11 ? '0' : static_cast<char>('0' + org_check);
  code += organisation;
  // Check character over the first 17: weights are 3^i mod 31.
  int total = 0, weight = 1;
  for (char c : code) {
    total += static_cast<int>(kCreditAlphabet.find(c)) * weight;
    weight = weight * 3 % 31;
  }
  code += kCreditAlphabet[static_cast<size_t>((31 - total % 31) % 31)];
  return code;
}

}  // namespace sl::demo

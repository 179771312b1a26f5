// Word tables for the demo city: people's names, road names, trades and
// shop-name parts, and the rank ladders. Everything generated from them is
// fictitious; real place and road names only make the demo feel familiar.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "demo/random.h"

namespace sl::demo {

struct WeightedWord {
  std::string_view text;
  double weight;
};

// Surnames weighted roughly by their frequency in northern Zhejiang (沈, 徐,
// 朱 and 钱 are far more common around Jiaxing than nationally).
inline constexpr WeightedWord kSurnames[] = {
    {"沈", 7}, {"徐", 6}, {"陈", 6}, {"王", 6}, {"张", 5}, {"朱", 5}, {"李", 4}, {"钱", 4}, {"吴", 4},
    {"周", 4}, {"金", 3}, {"姚", 3}, {"陆", 3}, {"俞", 3}, {"蔡", 2}, {"孙", 2}, {"杨", 2}, {"顾", 2},
    {"黄", 2}, {"刘", 2}, {"赵", 2}, {"胡", 2}, {"马", 1}, {"郭", 1}, {"林", 1}, {"何", 1}, {"高", 1},
    {"梁", 1}, {"郑", 2}, {"罗", 1}, {"宋", 1}, {"谢", 1}, {"唐", 1}, {"韩", 1}, {"曹", 1}, {"许", 2},
    {"邓", 1}, {"屠", 1}, {"费", 1}, {"褚", 1}, {"邱", 1}, {"汪", 1}, {"范", 1}, {"方", 1}, {"施", 1},
    {"丁", 1}, {"戴", 1}, {"凌", 1}, {"濮", 0.3}, {"丰", 0.3},
};

// Characters used in given names, by the gender they are most often given to.
inline constexpr std::string_view kMaleGiven[] = {
    "伟", "强", "军", "杰", "涛", "斌", "明", "华", "建", "国", "峰", "磊", "浩", "宇", "俊", "晨", "辉", "勇", "鹏",
    "超", "刚", "平", "林", "文", "忠", "杭", "健", "海", "卫", "锋", "东", "凯", "锦", "立", "新", "荣", "成", "志",
    "祥", "亮", "洪", "松", "永", "德", "春", "江", "波", "飞", "骏", "逸", "哲", "晖", "毅", "嘉", "鸣", "翔", "振",
};
inline constexpr std::string_view kFemaleGiven[] = {
    "芳", "娟", "敏", "静", "丽", "霞", "燕", "萍", "红", "玲", "婷", "雪", "琳", "颖", "慧", "佳", "倩", "洁", "梅",
    "莉", "瑶", "晓", "雯", "蕾", "怡", "丹", "欣", "悦", "月", "菊", "芬", "英", "娜", "蓉", "楠", "琪", "璐", "婕",
};

// Road names: real Tongxiang road names mixed with common Chinese ones; each
// town draws its own distinct set, so the same name can recur in two towns
// (as it does in reality). Entries without a suffix get 路 or 街.
inline constexpr std::string_view kRoadWords[] = {
    "庆丰", "复兴", "振兴", "茅盾", "环城", "校场", "康庄", "光明", "文华", "鸣凤", "同德", "梧振", "凤凰", "南门",
    "北港", "中山", "人民", "建设", "新华", "永安", "龙翔", "子夜", "隆源", "石佛", "昌盛", "育才", "兴华", "金牛",
    "学前", "环河", "长寿", "东兴", "西兴", "运河", "杨家", "民兴", "和平", "翔云", "锦绣", "华山", "百桃", "青阳",
    "崇德", "语溪", "横港", "虎啸", "晚村", "君匋", "子恺", "德胜", "迎宾", "公园", "工农", "车站", "朝阳", "解放",
    "市场", "桥南", "桥北", "西山", "东山", "北辰", "南湖", "新市", "利民", "安兴", "万寿", "福兴", "富强", "胜利",
    "跃进", "秀水", "桑园", "梅泾", "杭白", "菱湖", "凤栖", "槜李", "会龙", "双溪", "濮川", "永越", "梧桐", "羔羊",
};
// A shop trade: the word ending the shop's name, the subjects.kind and the
// subjects.category it implies, and how common it is.
struct Trade {
  std::string_view word;
  std::string_view kind;
  std::string_view category;
  double weight;
};
inline constexpr Trade kTrades[] = {
    {"面馆", "restaurant", "餐饮", 6},      {"小吃店", "restaurant", "餐饮", 5},
    {"饭店", "restaurant", "餐饮", 5},      {"快餐店", "restaurant", "餐饮", 4},
    {"烧烤店", "restaurant", "餐饮", 3},    {"奶茶店", "restaurant", "餐饮", 4},
    {"包子铺", "restaurant", "餐饮", 3},    {"馄饨店", "restaurant", "餐饮", 2},
    {"火锅店", "restaurant", "餐饮", 2},    {"羊肉馆", "restaurant", "餐饮", 3},
    {"糕点店", "restaurant", "餐饮", 2},    {"超市", "shop", "零售", 6},
    {"便利店", "shop", "零售", 5},          {"水果店", "shop", "零售", 4},
    {"五金店", "shop", "零售", 3},          {"服装店", "shop", "零售", 5},
    {"烟酒店", "shop", "零售", 3},          {"茶叶店", "shop", "零售", 2},
    {"杭白菊茶行", "shop", "零售", 1},      {"羊毛衫店", "shop", "零售", 2},
    {"鞋店", "shop", "零售", 2},            {"手机店", "shop", "零售", 2},
    {"文具店", "shop", "零售", 1},          {"花店", "shop", "零售", 1},
    {"母婴店", "shop", "零售", 1},          {"粮油店", "shop", "零售", 2},
    {"建材店", "shop", "零售", 2},          {"皮草店", "shop", "零售", 1},
    {"药房", "shop", "医药", 3},            {"理发店", "shop", "服务", 4},
    {"美容院", "shop", "服务", 2},          {"洗衣店", "shop", "服务", 1},
    {"照相馆", "shop", "服务", 1},          {"快递驿站", "shop", "服务", 2},
    {"民宿", "shop", "住宿", 1},            {"宾馆", "shop", "住宿", 1},
    {"汽修店", "shop", "维修", 3},          {"电动车维修店", "shop", "维修", 2},
    {"家电维修部", "shop", "维修", 1},      {"废品回收站", "other", "回收", 1},
};

// Two-character shop and company name words (字号).
inline constexpr std::string_view kBrandWords[] = {
    "鑫源", "恒达", "永兴", "华盛", "金桥", "宏达", "嘉禾", "新辉", "万利", "天成", "和顺", "兴旺", "福源",
    "瑞丰", "广源", "聚福", "盛达", "明珠", "德丰", "凯旋", "博远", "汇通", "长运", "安顺", "润发", "佳美",
    "百佳", "乐家", "康宁", "益民", "惠民", "民生", "春晖", "锦程", "通达", "诚信", "祥和", "隆昌", "万家",
    "金穗", "丰收", "禾丰", "立新", "振华", "红星", "望江", "梧韵", "水乡", "运河", "青禾", "悦来", "好运",
};

// Officer ranks: the 行政执法类公务员 grade ladder, lowest first.
inline constexpr std::string_view kOfficerRanks[] = {
    "二级行政执法员", "一级行政执法员", "四级主办", "三级主办",     "二级主办",
    "一级主办",       "四级高级主办",   "三级高级主办", "二级高级主办",
};

// Auxiliary staff titles, lowest first. Illustrative: Zhejiang's counties
// grade 执法辅助人员 in ladders of this shape, but the exact titles vary.
inline constexpr std::string_view kAuxiliaryRanks[] = {
    "见习协管员", "三级协管员", "二级协管员", "一级协管员", "三级协管主管", "二级协管主管", "一级协管主管",
};

// A person's name: a weighted surname and one or two given-name characters.
std::string PersonName(Random& random, bool male);
// A synthetic 11-digit mobile number ("13812345678") from common prefixes.
std::string MobilePhone(Random& random);
// A synthetic unified social credit code (统一社会信用代码, GB 32100-2015):
// "91" (enterprise) + area code 330483 + a 9-character organisation code with
// its GB 11714 check character + the GB 32100 check character. Valid in form;
// not any real entity's code.
std::string CreditCode(Random& random);

// Weighted pick from a table of WeightedWord or Trade.
template <class T>
const T& PickWeighted(Random& random, std::span<const T> table) {
  double weights[256];
  const size_t n = table.size() < 256 ? table.size() : 256;
  for (size_t i = 0; i < n; ++i) weights[i] = table[i].weight;
  return table[random.Weighted(std::span<const double>(weights, n))];
}

}  // namespace sl::demo

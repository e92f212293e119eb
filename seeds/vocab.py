"""Words the seed generator builds names from: places, surnames, trade words, products.

Plain constants, no I/O. Every tuple is ordered, so picking from it with a seeded
``random.Random`` is deterministic.
"""

from __future__ import annotations

# fmt: off

# A few well-known places per prefecture, (Japanese, romaji), the prefectural capital first.
PLACES: dict[str, tuple[tuple[str, str], ...]] = {
    "01": (
        ("札幌", "Sapporo"), ("函館", "Hakodate"), ("旭川", "Asahikawa"), ("小樽", "Otaru"),
        ("帯広", "Obihiro"), ("夕張", "Yubari"), ("釧路", "Kushiro"),
    ),
    "02": (
        ("青森", "Aomori"), ("弘前", "Hirosaki"), ("八戸", "Hachinohe"), ("十和田", "Towada"),
        ("五所川原", "Goshogawara"),
    ),
    "03": (
        ("盛岡", "Morioka"), ("花巻", "Hanamaki"), ("一関", "Ichinoseki"), ("平泉", "Hiraizumi"),
        ("宮古", "Miyako"),
    ),
    "04": (
        ("仙台", "Sendai"), ("石巻", "Ishinomaki"), ("気仙沼", "Kesennuma"),
        ("松島", "Matsushima"), ("塩竈", "Shiogama"),
    ),
    "05": (
        ("秋田", "Akita"), ("横手", "Yokote"), ("大館", "Odate"), ("角館", "Kakunodate"),
        ("能代", "Noshiro"),
    ),
    "06": (
        ("山形", "Yamagata"), ("米沢", "Yonezawa"), ("鶴岡", "Tsuruoka"), ("酒田", "Sakata"),
        ("天童", "Tendo"),
    ),
    "07": (
        ("福島", "Fukushima"), ("郡山", "Koriyama"), ("いわき", "Iwaki"),
        ("会津若松", "Aizuwakamatsu"), ("喜多方", "Kitakata"),
    ),
    "08": (
        ("水戸", "Mito"), ("日立", "Hitachi"), ("つくば", "Tsukuba"), ("笠間", "Kasama"),
        ("土浦", "Tsuchiura"),
    ),
    "09": (
        ("宇都宮", "Utsunomiya"), ("日光", "Nikko"), ("足利", "Ashikaga"), ("益子", "Mashiko"),
        ("那須", "Nasu"),
    ),
    "10": (
        ("前橋", "Maebashi"), ("高崎", "Takasaki"), ("桐生", "Kiryu"), ("草津", "Kusatsu"),
        ("富岡", "Tomioka"),
    ),
    "11": (
        ("さいたま", "Saitama"), ("川越", "Kawagoe"), ("川口", "Kawaguchi"), ("秩父", "Chichibu"),
        ("所沢", "Tokorozawa"),
    ),
    "12": (
        ("千葉", "Chiba"), ("船橋", "Funabashi"), ("銚子", "Choshi"), ("館山", "Tateyama"),
        ("成田", "Narita"),
    ),
    "13": (
        ("新宿", "Shinjuku"), ("大田", "Ota"), ("墨田", "Sumida"), ("八王子", "Hachioji"),
        ("浅草", "Asakusa"), ("青梅", "Ome"),
    ),
    "14": (
        ("横浜", "Yokohama"), ("川崎", "Kawasaki"), ("小田原", "Odawara"), ("鎌倉", "Kamakura"),
        ("箱根", "Hakone"), ("厚木", "Atsugi"),
    ),
    "15": (
        ("新潟", "Niigata"), ("長岡", "Nagaoka"), ("燕", "Tsubame"), ("三条", "Sanjo"),
        ("佐渡", "Sado"), ("魚沼", "Uonuma"),
    ),
    "16": (
        ("富山", "Toyama"), ("高岡", "Takaoka"), ("氷見", "Himi"), ("黒部", "Kurobe"),
        ("砺波", "Tonami"),
    ),
    "17": (
        ("金沢", "Kanazawa"), ("輪島", "Wajima"), ("加賀", "Kaga"), ("小松", "Komatsu"),
        ("七尾", "Nanao"),
    ),
    "18": (
        ("福井", "Fukui"), ("鯖江", "Sabae"), ("越前", "Echizen"), ("敦賀", "Tsuruga"),
        ("小浜", "Obama"),
    ),
    "19": (
        ("甲府", "Kofu"), ("富士吉田", "Fujiyoshida"), ("甲州", "Koshu"), ("笛吹", "Fuefuki"),
        ("身延", "Minobu"),
    ),
    "20": (
        ("長野", "Nagano"), ("松本", "Matsumoto"), ("上田", "Ueda"), ("諏訪", "Suwa"),
        ("飯田", "Iida"), ("軽井沢", "Karuizawa"),
    ),
    "21": (
        ("岐阜", "Gifu"), ("大垣", "Ogaki"), ("高山", "Takayama"), ("関", "Seki"),
        ("多治見", "Tajimi"), ("美濃", "Mino"),
    ),
    "22": (
        ("静岡", "Shizuoka"), ("浜松", "Hamamatsu"), ("沼津", "Numazu"), ("富士", "Fuji"),
        ("焼津", "Yaizu"), ("熱海", "Atami"),
    ),
    "23": (
        ("名古屋", "Nagoya"), ("豊田", "Toyota"), ("岡崎", "Okazaki"), ("瀬戸", "Seto"),
        ("常滑", "Tokoname"), ("一宮", "Ichinomiya"),
    ),
    "24": (
        ("津", "Tsu"), ("四日市", "Yokkaichi"), ("伊勢", "Ise"), ("松阪", "Matsusaka"),
        ("鈴鹿", "Suzuka"), ("伊賀", "Iga"),
    ),
    "25": (
        ("大津", "Otsu"), ("彦根", "Hikone"), ("長浜", "Nagahama"), ("近江八幡", "Omihachiman"),
        ("甲賀", "Koka"), ("信楽", "Shigaraki"),
    ),
    "26": (
        ("京都", "Kyoto"), ("宇治", "Uji"), ("舞鶴", "Maizuru"), ("福知山", "Fukuchiyama"),
        ("丹後", "Tango"), ("西陣", "Nishijin"),
    ),
    "27": (
        ("大阪", "Osaka"), ("堺", "Sakai"), ("東大阪", "Higashiosaka"), ("岸和田", "Kishiwada"),
        ("枚方", "Hirakata"), ("泉州", "Senshu"),
    ),
    "28": (
        ("神戸", "Kobe"), ("姫路", "Himeji"), ("西宮", "Nishinomiya"), ("豊岡", "Toyooka"),
        ("淡路", "Awaji"), ("城崎", "Kinosaki"),
    ),
    "29": (
        ("奈良", "Nara"), ("橿原", "Kashihara"), ("吉野", "Yoshino"), ("天理", "Tenri"),
        ("大和郡山", "Yamatokoriyama"),
    ),
    "30": (
        ("和歌山", "Wakayama"), ("田辺", "Tanabe"), ("有田", "Arida"), ("白浜", "Shirahama"),
        ("高野", "Koya"), ("新宮", "Shingu"),
    ),
    "31": (
        ("鳥取", "Tottori"), ("米子", "Yonago"), ("倉吉", "Kurayoshi"), ("境港", "Sakaiminato"),
        ("三朝", "Misasa"),
    ),
    "32": (
        ("松江", "Matsue"), ("出雲", "Izumo"), ("浜田", "Hamada"), ("益田", "Masuda"),
        ("石見", "Iwami"),
    ),
    "33": (
        ("岡山", "Okayama"), ("倉敷", "Kurashiki"), ("津山", "Tsuyama"), ("備前", "Bizen"),
        ("児島", "Kojima"),
    ),
    "34": (
        ("広島", "Hiroshima"), ("福山", "Fukuyama"), ("呉", "Kure"), ("尾道", "Onomichi"),
        ("熊野", "Kumano"), ("宮島", "Miyajima"),
    ),
    "35": (
        ("山口", "Yamaguchi"), ("下関", "Shimonoseki"), ("萩", "Hagi"), ("岩国", "Iwakuni"),
        ("周南", "Shunan"),
    ),
    "36": (
        ("徳島", "Tokushima"), ("鳴門", "Naruto"), ("阿南", "Anan"), ("美馬", "Mima"),
        ("祖谷", "Iya"),
    ),
    "37": (
        ("高松", "Takamatsu"), ("丸亀", "Marugame"), ("坂出", "Sakaide"), ("小豆島", "Shodoshima"),
        ("琴平", "Kotohira"),
    ),
    "38": (
        ("松山", "Matsuyama"), ("今治", "Imabari"), ("宇和島", "Uwajima"), ("新居浜", "Niihama"),
        ("内子", "Uchiko"), ("道後", "Dogo"),
    ),
    "39": (
        ("高知", "Kochi"), ("四万十", "Shimanto"), ("土佐", "Tosa"), ("室戸", "Muroto"),
        ("安芸", "Aki"),
    ),
    "40": (
        ("福岡", "Fukuoka"), ("北九州", "Kitakyushu"), ("久留米", "Kurume"), ("博多", "Hakata"),
        ("八女", "Yame"), ("大牟田", "Omuta"),
    ),
    "41": (
        ("佐賀", "Saga"), ("唐津", "Karatsu"), ("有田", "Arita"), ("伊万里", "Imari"),
        ("嬉野", "Ureshino"),
    ),
    "42": (
        ("長崎", "Nagasaki"), ("佐世保", "Sasebo"), ("島原", "Shimabara"), ("五島", "Goto"),
        ("波佐見", "Hasami"),
    ),
    "43": (
        ("熊本", "Kumamoto"), ("八代", "Yatsushiro"), ("阿蘇", "Aso"), ("天草", "Amakusa"),
        ("人吉", "Hitoyoshi"),
    ),
    "44": (
        ("大分", "Oita"), ("別府", "Beppu"), ("由布", "Yufu"), ("日田", "Hita"), ("佐伯", "Saiki"),
    ),
    "45": (
        ("宮崎", "Miyazaki"), ("都城", "Miyakonojo"), ("延岡", "Nobeoka"), ("日南", "Nichinan"),
        ("高千穂", "Takachiho"),
    ),
    "46": (
        ("鹿児島", "Kagoshima"), ("霧島", "Kirishima"), ("指宿", "Ibusuki"),
        ("屋久島", "Yakushima"), ("奄美", "Amami"), ("枕崎", "Makurazaki"),
    ),
    "47": (
        ("那覇", "Naha"), ("沖縄", "Okinawa"), ("名護", "Nago"), ("石垣", "Ishigaki"),
        ("宮古島", "Miyakojima"), ("読谷", "Yomitan"),
    ),
}

# Common surnames, (Japanese, romaji).
SURNAMES: tuple[tuple[str, str], ...] = (
    ("佐藤", "Sato"), ("鈴木", "Suzuki"), ("高橋", "Takahashi"), ("田中", "Tanaka"),
    ("伊藤", "Ito"), ("渡辺", "Watanabe"), ("山本", "Yamamoto"), ("中村", "Nakamura"),
    ("小林", "Kobayashi"), ("加藤", "Kato"), ("吉田", "Yoshida"), ("山田", "Yamada"),
    ("佐々木", "Sasaki"), ("山口", "Yamaguchi"), ("松本", "Matsumoto"), ("井上", "Inoue"),
    ("木村", "Kimura"), ("林", "Hayashi"), ("斎藤", "Saito"), ("清水", "Shimizu"),
    ("山崎", "Yamazaki"), ("森", "Mori"), ("池田", "Ikeda"), ("橋本", "Hashimoto"),
    ("阿部", "Abe"), ("石川", "Ishikawa"), ("山下", "Yamashita"), ("中島", "Nakajima"),
    ("石井", "Ishii"), ("小川", "Ogawa"), ("前田", "Maeda"), ("岡田", "Okada"),
    ("長谷川", "Hasegawa"), ("藤田", "Fujita"), ("後藤", "Goto"), ("近藤", "Kondo"),
    ("村上", "Murakami"), ("遠藤", "Endo"), ("青木", "Aoki"), ("坂本", "Sakamoto"),
    ("福田", "Fukuda"), ("太田", "Ota"), ("西村", "Nishimura"), ("藤井", "Fujii"),
    ("金子", "Kaneko"), ("岡本", "Okamoto"), ("藤原", "Fujiwara"), ("中野", "Nakano"),
    ("三浦", "Miura"), ("原田", "Harada"), ("松田", "Matsuda"), ("竹内", "Takeuchi"),
    ("中川", "Nakagawa"), ("小野", "Ono"), ("田村", "Tamura"), ("和田", "Wada"),
    ("石田", "Ishida"), ("上田", "Ueda"), ("森田", "Morita"), ("柴田", "Shibata"),
    ("酒井", "Sakai"), ("工藤", "Kudo"), ("横山", "Yokoyama"), ("宮本", "Miyamoto"),
    ("内田", "Uchida"), ("高木", "Takagi"), ("安藤", "Ando"), ("島田", "Shimada"),
    ("谷口", "Taniguchi"), ("大野", "Ono"), ("丸山", "Maruyama"), ("今井", "Imai"),
    ("河野", "Kono"), ("村田", "Murata"), ("武田", "Takeda"), ("上野", "Ueno"),
    ("杉山", "Sugiyama"), ("増田", "Masuda"), ("平野", "Hirano"), ("大塚", "Otsuka"),
    ("千葉", "Chiba"), ("久保", "Kubo"), ("松井", "Matsui"), ("岩崎", "Iwasaki"),
    ("木下", "Kinoshita"), ("野口", "Noguchi"), ("菅原", "Sugawara"), ("新井", "Arai"),
)

# Given names.
GIVEN_NAMES: tuple[str, ...] = (
    "太郎", "一郎", "健一", "健二", "浩", "誠", "隆", "修", "勇", "明", "博", "正樹", "直樹",
    "和也", "拓也", "翔", "大輔", "健太", "雄一", "秀樹", "茂", "進", "稔", "豊", "実", "剛", "聡",
    "哲也", "花子", "恵子", "裕子", "美香", "由美", "智子", "陽子", "直美", "真由美", "明美",
    "京子", "幸子", "久美子", "美穂", "愛", "彩", "優子", "千尋", "典子", "洋子",
)

# Shop names and house brands, (Japanese, romaji).
BRANDS: tuple[tuple[str, str], ...] = (
    ("さくら", "Sakura"), ("ひかり", "Hikari"), ("みどり", "Midori"), ("あさひ", "Asahi"),
    ("やまと", "Yamato"), ("マルイチ", "Maruichi"), ("ヤマニ", "Yamani"), ("カネコ", "Kaneko"),
    ("丸一", "Maruichi"), ("大和", "Yamato"), ("旭", "Asahi"), ("富士", "Fuji"),
    ("日の出", "Hinode"), ("松竹", "Shochiku"), ("三和", "Sanwa"), ("共栄", "Kyoei"),
    ("協和", "Kyowa"), ("東洋", "Toyo"), ("太平", "Taihei"), ("日本", "Nippon"), ("中央", "Chuo"),
    ("大成", "Taisei"), ("第一", "Daiichi"), ("光", "Hikari"), ("昭和", "Showa"),
    ("新光", "Shinko"), ("北斗", "Hokuto"), ("丸正", "Marusho"), ("山一", "Yamaichi"),
    ("マルヤマ", "Maruyama"), ("ミナト", "Minato"), ("つばさ", "Tsubasa"),
)

# Trade words by JSIC division, in Japanese.
TRADE_JA: dict[str, tuple[str, ...]] = {
    "A": ("農園", "牧場", "ファーム", "園芸", "林業", "果樹園", "農産"),
    "B": ("水産", "漁業", "養殖", "海産", "鮮魚"),
    "C": ("砕石", "鉱業", "砂利", "石材"),
    "D": ("建設", "工務店", "組", "土木", "設備工業", "電設", "塗装", "住建", "建工"),
    "E": (
        "製作所", "工業", "精機", "金属", "化学", "食品", "酒造", "製菓", "織物", "木工", "電機",
        "鉄工所", "印刷", "醸造", "製麺", "産業", "工芸", "精工",
    ),
    "F": ("電力", "ガス", "エネルギー", "水道サービス"),
    "G": ("システム", "ソフト", "情報システム", "ネットワーク", "デジタル", "放送"),
    "H": ("運輸", "運送", "物流", "交通", "倉庫", "タクシー", "海運"),
    "I": (
        "商店", "商事", "物産", "販売", "薬局", "酒店", "商会", "青果", "呉服店", "電器", "本店",
        "家具店", "茶舗",
    ),
    "J": ("保険サービス", "ファイナンス", "保険代理店"),
    "K": ("不動産", "地所", "リース", "住宅", "建物", "ハウジング"),
    "L": ("設計事務所", "技研", "研究所", "デザイン", "測量", "技術コンサルタント"),
    "M": (
        "旅館", "食堂", "ホテル", "寿司", "料亭", "珈琲店", "そば", "ラーメン", "居酒屋", "菓子舗",
    ),
    "N": ("美容室", "クリーニング", "観光", "理容", "写真館", "葬祭", "旅行", "温泉"),
    "O": ("学習塾", "教室", "学院", "スクール"),
    "P": ("介護サービス", "デイサービス", "訪問看護", "調剤薬局", "ケアサービス", "医療サービス"),
    "Q": ("事業協同組合", "協同組合"),
    "R": ("サービス", "警備", "ビルメンテナンス", "人材センター", "環境サービス", "商工"),
    "S": ("公社", "事業団"),
    "T": ("企画", "総合", "ホールディングス"),
}

# Trade words for firms founded before 1900, in the divisions that keep old houses.
OLD_TRADE_JA: dict[str, tuple[str, ...]] = {
    "E": ("酒造", "醤油", "味噌", "製菓", "醸造", "織物", "漆器"),
    "I": ("本店", "商店", "呉服店", "茶舗", "薬局"),
    "M": ("旅館", "料亭", "菓子舗", "本陣"),
}

# Trade words by JSIC division, for English-style names.
TRADE_EN: dict[str, tuple[str, ...]] = {
    "A": ("Farms", "Agri", "Orchards"),
    "B": ("Fisheries", "Marine", "Seafoods"),
    "C": ("Mining", "Stone"),
    "D": ("Construction", "Builders", "Engineering"),
    "E": (
        "Industries", "Manufacturing", "Precision", "Foods", "Brewing", "Textiles", "Electric",
        "Machinery",
    ),
    "F": ("Energy", "Power"),
    "G": ("Systems", "Software", "Digital", "Networks"),
    "H": ("Logistics", "Transport", "Express"),
    "I": ("Trading", "Shoji", "Foods", "Supply", "Store"),
    "J": ("Insurance Services", "Finance"),
    "K": ("Estate", "Realty", "Leasing"),
    "L": ("Design", "Research", "Engineering", "Labs"),
    "M": ("Hotel", "Dining", "Kitchen", "Cafe", "Inn"),
    "N": ("Travel", "Beauty", "Cleaning", "Tours"),
    "O": ("Academy", "School"),
    "P": ("Care", "Medical Services"),
    "Q": ("Cooperative",),
    "R": ("Services", "Staffing", "Security"),
    "S": ("Public Services",),
    "T": ("Holdings", "Planning"),
}

# Legal-form endings of English-style names; most hold a comma.
ENGLISH_SUFFIXES: tuple[str, ...] = (
    ", Ltd.", " Co., Ltd.", " Co., Ltd.", ", Inc.", " Corporation", ", LLC", " K.K.",
)

# Regional resources of the 2007 Act by category; an asset is named "<place> <product>".
PRODUCTS: dict[str, tuple[str, ...]] = {
    "agricultural": (
        "melon", "strawberries", "rice", "green tea", "wagyu beef", "black pork", "mandarins",
        "apples", "peaches", "grapes", "pears", "cherries", "persimmons", "chestnuts", "soba",
        "oysters", "scallops", "yellowtail", "sea bream", "kelp", "nori", "shiitake",
        "bamboo shoots", "sweet potatoes", "yuzu", "wasabi", "cedar timber", "honey", "dairy milk",
        "eggplant", "onions", "tomatoes", "sake rice", "edamame", "plums",
    ),
    "industrial": (
        "porcelain", "pottery", "lacquerware", "cutlery", "ironware", "cast-iron kettles",
        "washi paper", "silk weaving", "cotton towels", "indigo dyeing", "glassware",
        "kitchen knives", "woodcraft", "bamboo craft", "tatami", "brushes", "denim",
        "sake brewing", "soy sauce brewing", "miso", "precision machining", "casting",
        "metal pressing", "optical lenses", "eyeglass frames", "fine ceramics", "furniture",
        "paper umbrellas", "dolls", "uchiwa fans", "forging", "plating technology",
    ),
    "tourism": (
        "Onsen", "Castle", "Gorge", "Festival", "Shrine", "Old Town", "Coast", "Highlands",
        "Falls", "Lake", "Morning Market", "Ski Resort", "Gardens", "Cherry Blossom Park",
        "Fireworks Festival", "Temple Trail", "Port", "Brewery Street", "Autumn Valley",
        "Hot Spring Village", "Island Cruise", "Canal District", "Pilgrimage Route",
        "Night Market", "Cycling Road",
    ),
}

# Prefixes that make more place names out of one ("Oku-Nikko", "Kita-Hiroshima").
PLACE_PREFIXES: tuple[str, ...] = (
    "Oku", "Kita", "Minami", "Higashi", "Nishi", "Shin",
)

# Middle words of shinkin bank and credit cooperative names.
LOCAL_SUFFIXES: tuple[str, ...] = (
    "", "中央", "東部", "西部", "北部", "南部", "みどり", "第一", "商工", "みなと",
)

# -- Words for --duplicates: registry columns, near-namesakes and how offices spell names ----

# The telephone area code of each prefecture's capital (the prefecture's offices' numbers).
AREA_CODES: dict[str, str] = {
    "01": "011", "02": "017", "03": "019", "04": "022", "05": "018", "06": "023", "07": "024",
    "08": "029", "09": "028", "10": "027", "11": "048", "12": "043", "13": "03", "14": "045",
    "15": "025", "16": "076", "17": "076", "18": "0776", "19": "055", "20": "026", "21": "058",
    "22": "054", "23": "052", "24": "059", "25": "077", "26": "075", "27": "06", "28": "078",
    "29": "0742", "30": "073", "31": "0857", "32": "0852", "33": "086", "34": "082", "35": "083",
    "36": "088", "37": "087", "38": "089", "39": "088", "40": "092", "41": "0952", "42": "095",
    "43": "096", "44": "097", "45": "0985", "46": "099", "47": "098",
}

# The municipality of a place of PLACES, where it is not "<place>市".
MUNICIPALITIES: dict[str, str] = {
    "平泉": "西磐井郡平泉町", "松島": "宮城郡松島町", "角館": "仙北市角館町",
    "益子": "芳賀郡益子町",
    "那須": "那須郡那須町", "草津": "吾妻郡草津町", "新宿": "新宿区", "大田": "大田区",
    "墨田": "墨田区", "浅草": "台東区浅草", "箱根": "足柄下郡箱根町", "燕": "燕市",
    "越前": "越前市", "身延": "南巨摩郡身延町", "軽井沢": "北佐久郡軽井沢町", "関": "関市",
    "西陣": "京都市上京区", "泉州": "泉佐野市", "信楽": "甲賀市信楽町", "城崎": "豊岡市城崎町",
    "吉野": "吉野郡吉野町", "有田": "西松浦郡有田町", "白浜": "西牟婁郡白浜町",
    "高野": "伊都郡高野町", "三朝": "東伯郡三朝町", "石見": "大田市", "児島": "倉敷市児島",
    "熊野": "安芸郡熊野町", "宮島": "廿日市市宮島町", "祖谷": "三好市", "小豆島": "小豆郡小豆島町",
    "琴平": "仲多度郡琴平町", "内子": "喜多郡内子町", "道後": "松山市道後", "土佐": "土佐市",
    "博多": "福岡市博多区", "嬉野": "嬉野市", "五島": "五島市", "波佐見": "東彼杵郡波佐見町",
    "阿蘇": "阿蘇市", "由布": "由布市", "高千穂": "西臼杵郡高千穂町", "屋久島": "熊毛郡屋久島町",
    "奄美": "奄美市", "読谷": "中頭郡読谷村", "沖縄": "沖縄市", "丹後": "京丹後市",
    "淡路": "淡路市", "伊賀": "伊賀市", "甲州": "甲州市", "笛吹": "笛吹市", "大阪": "大阪市北区",
    "京都": "京都市中京区", "名古屋": "名古屋市中区", "横浜": "横浜市中区", "札幌": "札幌市中央区",
    "仙台": "仙台市青葉区", "神戸": "神戸市中央区", "広島": "広島市中区", "福岡": "福岡市中央区",
    "北九州": "北九州市小倉北区", "川崎": "川崎市川崎区", "さいたま": "さいたま市大宮区",
    "千葉": "千葉市中央区", "静岡": "静岡市葵区", "浜松": "浜松市中央区", "新潟": "新潟市中央区",
    "岡山": "岡山市北区", "熊本": "熊本市中央区", "堺": "堺市堺区",
}

# Town names of addresses (町名), common all over Japan.
TOWNS: tuple[str, ...] = (
    "本町", "栄町", "中央", "駅前", "東町", "西町", "南町", "北町", "緑町", "旭町", "幸町",
    "大手町", "元町", "新町", "末広町", "昭和町", "錦町", "寿町", "宮町", "港町", "桜町",
    "若松町", "松原", "城東", "城西", "花園町", "日の出町", "住吉町", "泉町", "平和町",
)

# Trade words that one character or one word tells apart: distinct firms of one place are
# named so (さくら製作所 and さくら製材所, 山田工業 and 山田興業).
NEAR_TRADES: dict[str, tuple[str, ...]] = {
    "製作所": ("製材所", "製造所", "製作"), "工業": ("興業", "鉱業", "工業所"),
    "電機": ("電気", "電器", "電工"), "精機": ("精工", "精器", "製機"),
    "精工": ("精機", "精巧"), "商店": ("商会", "商事", "商店街"), "商事": ("商会", "商店"),
    "商会": ("商事", "商店"), "建設": ("建築", "建工", "建設工業"), "運輸": ("運送", "輸送"),
    "運送": ("運輸", "陸運"), "食品": ("食材", "食販", "食品工業"), "酒造": ("醸造", "酒店"),
    "醸造": ("酒造", "醤油"), "工務店": ("工務所", "工建"), "農園": ("農場", "農産"),
    "水産": ("海産", "水産加工"), "観光": ("観光開発", "観光物産"), "旅館": ("旅荘", "ホテル"),
    "印刷": ("印刷所", "印刷工業"), "金属": ("金属工業", "金型"), "物産": ("物販", "産業"),
    "産業": ("興産", "工業"), "不動産": ("不動産販売", "地所"), "鉄工所": ("鉄工", "鉄構"),
    "化学": ("化成", "化工"), "土木": ("土建", "土木工業"), "塗装": ("塗装工業", "塗料"),
    "販売": ("販売店", "商販"), "ホテル": ("旅館", "ホテルズ"),
    "システム": ("システムズ", "情報システム"),
}

# Kanji that offices write in another (older or variant) form: 斎藤 and 齋藤, 高 and 髙.
VARIANT_KANJI: dict[str, str] = {
    "斎": "齋", "沢": "澤", "辺": "邊", "崎": "﨑", "高": "髙", "島": "嶋", "浜": "濱",
    "桜": "櫻", "竜": "龍", "国": "國", "広": "廣", "栄": "榮", "関": "關",
    "富": "冨", "徳": "德", "塩": "鹽", "県": "縣", "会": "會", "楽": "樂", "寿": "壽",
    "来": "來", "巻": "卷", "恵": "惠", "亀": "龜", "条": "條", "野": "埜",
}

# Abbreviations of legal forms as offices write them: 株式会社 as (株) or ㈱.
FORM_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "株式会社": ("(株)", "㈱", "（株）", "(株）", "株式会社"),
    "有限会社": ("(有)", "㈲", "（有）", "有限会社"),
    "合同会社": ("(同)", "（同）", "合同会社"),
    "合資会社": ("(資)", "㈾", "（資）", "合資会社"),
}

# Shortened words of financiers' names: 信用金庫 as 信金, 信用組合 as 信組.
FINANCIER_SHORT: tuple[tuple[str, str], ...] = (
    ("信用保証協会", "保証協会"), ("信用金庫", "信金"), ("信用組合", "信組"),
    ("投資事業有限責任組合", ""), ("中小企業投資育成株式会社", "投資育成"),
)
# What the members of a cooperative do (新宿鉄工事業協同組合, 栄町商店街協同組合): with
# duplicates, the cooperatives of one place are told apart by it.
COOPERATIVE_TRADES: tuple[str, ...] = (
    "商店街", "鉄工", "印刷", "食品", "建設業", "運送", "木材", "青果", "電気工事", "管工事",
    "繊維", "家具", "水産加工", "酒販", "旅館", "理容", "美容", "自動車整備", "工業団地",
    "卸売団地", "生コンクリート", "石材", "製菓", "クリーニング", "陶磁器", "鍍金", "造園",
    "板金", "塗装", "製麺", "畳", "表具", "写真", "時計", "米穀", "鮮魚", "精肉", "茶業",
)

# fmt: on

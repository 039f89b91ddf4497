//! Person names from name-part tables of several cultures. Parts are common
//! given names and surnames (public-domain knowledge, not taken from the
//! articles); combining them gives tens of thousands of distinct names.

use super::rng::Rng;

/// The naming convention of a country's officials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Culture {
    Vietnamese,
    Hispanic,
    Anglo,
    Arabic,
    Malay,
    Chinese,
    Russian,
    African,
    Japanese,
    Lao,
    European,
}

/// A generated name: the full form of a first mention and the short form
/// articles use afterwards (`Vinh`, `Guzmán`, `Premier Li`'s `Li`).
#[derive(Debug, Clone)]
pub struct PersonName {
    pub full: String,
    pub short: String,
}

const VN_FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Phùng", "Lương", "Trịnh", "Đinh", "Mai", "Tô", "Võ", "Huỳnh", "Lâm", "Cao",
];
const VN_MIDDLE: &[&str] = &[
    "Văn", "Thị", "Minh", "Đức", "Xuân", "Quang", "Hữu", "Thanh", "Công", "Chí", "Sĩ", "Đình",
    "Hồng", "Quốc", "Tiến", "Thế", "Ngọc", "Trọng", "Kim", "Mạnh",
];
const VN_GIVEN: &[&str] = &[
    "Tấn", "Vinh", "Chiến", "Cường", "Trác", "Hùng", "Dũng", "Lan", "Hương", "Thắng", "Phúc",
    "Hải", "Sơn", "Tuấn", "Long", "Nam", "Bình", "Khánh", "Giang", "Hòa", "Thủy", "Quân", "Trung",
    "Hiếu", "Lực", "Tâm", "Vượng", "Thịnh", "Nghĩa", "Toàn", "Đông", "Hà", "Yến", "Linh",
];
const ES_GIVEN: &[&str] = &[
    "Ricardo",
    "Sergio",
    "María",
    "José",
    "Luis",
    "Carmen",
    "Javier",
    "Alejandro",
    "Gabriela",
    "Fernando",
    "Lautaro",
    "Andrés",
    "Claudia",
    "Jorge",
    "Miguel",
    "Ana",
    "Rosa",
    "Camila",
    "Diego",
    "Pablo",
    "Raúl",
    "Marcela",
    "Gustavo",
    "Esteban",
    "Felipe",
    "Verónica",
    "Héctor",
    "Ximena",
    "Rodrigo",
    "Álvaro",
];
const ES_SURNAME: &[&str] = &[
    "Montero",
    "Guzmán",
    "Narea",
    "Carmona",
    "Fernández",
    "González",
    "Rodríguez",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Díaz",
    "Morales",
    "Ortiz",
    "Castillo",
    "Vargas",
    "Rojas",
    "Herrera",
    "Medel",
    "Aguilar",
    "Navarro",
    "Salinas",
    "Fuentes",
    "Bravo",
    "Espinoza",
    "Valenzuela",
    "Cárdenas",
    "Paredes",
    "Quintero",
    "Villalobos",
];
const EN_GIVEN: &[&str] = &[
    "David",
    "Penny",
    "Winston",
    "Richard",
    "Sarah",
    "James",
    "Michael",
    "Elizabeth",
    "Robert",
    "Jennifer",
    "Mark",
    "Susan",
    "Andrew",
    "Karen",
    "Thomas",
    "Helen",
    "Daniel",
    "Rachel",
    "Christopher",
    "Margaret",
    "Peter",
    "Catherine",
    "Anthony",
    "Julie",
    "Gregory",
    "Laura",
    "Stephen",
    "Nicole",
    "Kevin",
    "Emily",
];
const EN_SURNAME: &[&str] = &[
    "Stilwell",
    "Johnston",
    "Peters",
    "Marles",
    "Campbell",
    "Harris",
    "Mitchell",
    "Turner",
    "Cooper",
    "Bennett",
    "Reynolds",
    "Fletcher",
    "Hughes",
    "Morgan",
    "Walsh",
    "Palmer",
    "Ellis",
    "Hammond",
    "Barker",
    "Griffiths",
    "Sullivan",
    "Crawford",
    "Dawson",
    "Holloway",
    "Whitaker",
    "Pearson",
    "Ashworth",
    "Lambert",
    "Sinclair",
    "Thornton",
];
const AR_GIVEN: &[&str] = &[
    "Mohammed", "Ahmed", "Faisal", "Abdullah", "Khalid", "Omar", "Hassan", "Youssef", "Saud",
    "Tariq", "Nasser", "Walid", "Sami", "Karim", "Fatima", "Layla", "Huda", "Rashid", "Hamad",
    "Majid", "Ibrahim", "Salem",
];
const AR_FAMILY: &[&str] = &[
    "Al Thani",
    "Al Nahyan",
    "Al Saud",
    "Aboul Gheit",
    "al-Mekdad",
    "Shoukry",
    "Al Busaidi",
    "Al Zayani",
    "Safadi",
    "Haddad",
    "Mansour",
    "Khoury",
    "Al Jaber",
    "Nasrallah",
    "Qassem",
    "Barakat",
    "Hamdan",
    "El Sisi",
    "Attia",
    "Saleh",
    "Darwish",
    "Al Hashimi",
];
const MY_GIVEN: &[&str] = &[
    "Anwar",
    "Mohamad",
    "Zambry",
    "Hishammuddin",
    "Saifuddin",
    "Fadillah",
    "Rafizi",
    "Nurul",
    "Azalina",
    "Ahmad",
    "Zahid",
    "Tengku",
    "Rosli",
    "Kamarudin",
    "Aminuddin",
    "Siti",
    "Hasnah",
    "Retno",
    "Prabowo",
    "Budi",
    "Sri",
    "Joko",
    "Dewi",
    "Agus",
];
const MY_FATHER: &[&str] = &[
    "Ibrahim",
    "Hasan",
    "Abdul Kadir",
    "Hussein",
    "Nasution",
    "Yusof",
    "Ismail",
    "Othman",
    "Marsudi",
    "Subianto",
    "Sadikin",
    "Widodo",
    "Harun",
    "Rahman",
    "Salleh",
    "Mahmud",
    "Karim",
    "Aziz",
    "Sulaiman",
    "Halim",
];
const ZH_FAMILY: &[&str] = &[
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma",
    "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Dong", "Han", "Cai", "Song",
];
const ZH_SYLLABLE: &[&str] = &[
    "Yi", "Qiang", "Jin", "Ping", "Wei", "Hua", "Ming", "Jun", "Hong", "Lei", "Tao", "Xiao", "Guo",
    "Zhong", "Feng", "Hai", "Yong", "Jian", "Xin", "Bo", "Gang", "Lin", "Qing", "Rui", "Yu", "Zhi",
    "Chun", "Kai", "Liang", "Shan",
];
const RU_GIVEN: &[&str] = &[
    "Sergei",
    "Dmitry",
    "Alexander",
    "Vladimir",
    "Nikolai",
    "Andrei",
    "Mikhail",
    "Yuri",
    "Igor",
    "Oleg",
    "Alexei",
    "Viktor",
    "Pavel",
    "Konstantin",
    "Yevgeny",
    "Maxim",
    "Denis",
    "Anatoly",
];
const RU_GIVEN_F: &[&str] = &[
    "Anna",
    "Elena",
    "Maria",
    "Olga",
    "Tatiana",
    "Irina",
    "Natalia",
    "Svetlana",
    "Valentina",
];
const RU_SURNAME: &[&str] = &[
    "Lavrov",
    "Ivanov",
    "Petrov",
    "Sokolov",
    "Kuznetsov",
    "Popov",
    "Volkov",
    "Morozov",
    "Novikov",
    "Fomin",
    "Rudenko",
    "Belousov",
    "Gerasimov",
    "Ryabkov",
    "Zakharov",
    "Tsivilev",
    "Lebedev",
    "Orlov",
    "Smirnov",
    "Vasiliev",
    "Medvedev",
    "Grushko",
    "Pankin",
    "Kozlov",
];
const AF_GIVEN: &[&str] = &[
    "Kwame",
    "Amina",
    "Chinedu",
    "Oluwaseun",
    "Thabo",
    "Nomvula",
    "Jomo",
    "Wanjiru",
    "Abiy",
    "Mamadou",
    "Fatou",
    "Kofi",
    "Ngozi",
    "Sipho",
    "Babajide",
    "Aisha",
    "Yaw",
    "Lindiwe",
    "Moussa",
    "Adama",
    "Zanele",
    "Emeka",
    "Nana",
    "Tendai",
];
const AF_SURNAME: &[&str] = &[
    "Mensah",
    "Okonkwo",
    "Adeyemi",
    "Mokoena",
    "Kenyatta",
    "Odinga",
    "Diallo",
    "Traoré",
    "Ndiaye",
    "Banda",
    "Mwangi",
    "Dlamini",
    "Nkosi",
    "Boateng",
    "Osei",
    "Kamara",
    "Tshabalala",
    "Ouattara",
    "Keita",
    "Mutasa",
    "Chikwanha",
    "Otieno",
    "Asante",
    "Sesay",
];
const JA_GIVEN: &[&str] = &[
    "Akinori",
    "Shinzo",
    "Yoshimasa",
    "Takeshi",
    "Hiroshi",
    "Kenji",
    "Yoko",
    "Fumio",
    "Taro",
    "Minoru",
    "Yasukazu",
    "Gen",
    "Toshimitsu",
    "Kazuyuki",
    "Haruko",
    "Masahiro",
    "Nobuo",
];
const JA_SURNAME: &[&str] = &[
    "Eto",
    "Hayashi",
    "Kishida",
    "Suzuki",
    "Tanaka",
    "Watanabe",
    "Yamamoto",
    "Nakamura",
    "Kobayashi",
    "Saito",
    "Kato",
    "Kihara",
    "Motegi",
    "Onodera",
    "Iwaya",
    "Kamikawa",
    "Ishiba",
];
const LAO_GIVEN: &[&str] = &[
    "Thongloun",
    "Sonexay",
    "Saleumxay",
    "Chansamone",
    "Bounthong",
    "Khamphao",
    "Viengthong",
    "Phankham",
    "Souvanh",
    "Kikeo",
];
const LAO_SURNAME: &[&str] = &[
    "Sisoulith",
    "Siphandone",
    "Kommasith",
    "Chanyalath",
    "Chitmany",
    "Ernthavanh",
    "Viphavanh",
    "Keosavang",
    "Phommachanh",
    "Luangrath",
];
const EU_GIVEN: &[&str] = &[
    "Jean",
    "Pierre",
    "Hans",
    "Klaus",
    "Giorgio",
    "Marco",
    "Anna",
    "Sophie",
    "Lars",
    "Erik",
    "Jan",
    "Piotr",
    "Katarzyna",
    "Matteo",
    "Isabel",
    "Joachim",
    "Ursula",
    "François",
];
const EU_SURNAME: &[&str] = &[
    "Dubois",
    "Lefebvre",
    "Müller",
    "Schneider",
    "Rossi",
    "Bianchi",
    "Johansson",
    "Nielsen",
    "Kowalski",
    "Nowak",
    "de Vries",
    "Janssen",
    "Moreau",
    "Weber",
    "Ricci",
    "Lindqvist",
    "Horváth",
    "Novák",
];

impl Culture {
    /// A name drawn from this culture's tables.
    pub fn name(self, rng: &mut Rng) -> PersonName {
        match self {
            Culture::Vietnamese => vietnamese(rng),
            Culture::Hispanic => {
                let given = rng.pick(ES_GIVEN);
                let first = rng.pick(ES_SURNAME);
                if rng.chance(0.6) {
                    let second = rng.pick(ES_SURNAME);
                    two_part(&format!("{given} {first} {second}"), first)
                } else {
                    two_part(&format!("{given} {first}"), first)
                }
            }
            Culture::Anglo => {
                let surname = rng.pick(EN_SURNAME);
                two_part(&format!("{} {surname}", rng.pick(EN_GIVEN)), surname)
            }
            Culture::Arabic => {
                let given = rng.pick(AR_GIVEN);
                let family = rng.pick(AR_FAMILY);
                if rng.chance(0.4) {
                    let father = rng.pick(AR_GIVEN);
                    two_part(&format!("{given} bin {father} {family}"), family)
                } else {
                    two_part(&format!("{given} {family}"), family)
                }
            }
            Culture::Malay => {
                let given = rng.pick(MY_GIVEN);
                let father = rng.pick(MY_FATHER);
                if rng.chance(0.3) {
                    two_part(&format!("{given} bin {father}"), given)
                } else {
                    two_part(&format!("{given} {father}"), given)
                }
            }
            Culture::Chinese => {
                let family = rng.pick(ZH_FAMILY);
                let mut given = rng.pick(ZH_SYLLABLE).to_string();
                if rng.chance(0.7) {
                    given.push_str(&rng.pick(ZH_SYLLABLE).to_lowercase());
                }
                two_part(&format!("{family} {given}"), family)
            }
            Culture::Russian => {
                let surname = rng.pick(RU_SURNAME);
                if rng.chance(0.2) {
                    let surname = format!("{surname}a");
                    two_part(&format!("{} {surname}", rng.pick(RU_GIVEN_F)), &surname)
                } else {
                    two_part(&format!("{} {surname}", rng.pick(RU_GIVEN)), surname)
                }
            }
            Culture::African => {
                let surname = rng.pick(AF_SURNAME);
                two_part(&format!("{} {surname}", rng.pick(AF_GIVEN)), surname)
            }
            Culture::Japanese => {
                let surname = rng.pick(JA_SURNAME);
                two_part(&format!("{} {surname}", rng.pick(JA_GIVEN)), surname)
            }
            Culture::Lao => {
                let given = rng.pick(LAO_GIVEN);
                two_part(&format!("{given} {}", rng.pick(LAO_SURNAME)), given)
            }
            Culture::European => {
                let surname = rng.pick(EU_SURNAME);
                two_part(&format!("{} {surname}", rng.pick(EU_GIVEN)), surname)
            }
        }
    }
}

/// Vietnamese names are family, middle, given; articles refer to a person
/// by the given name (`Vinh`), and some outlets drop the diacritics.
fn vietnamese(rng: &mut Rng) -> PersonName {
    let family = rng.pick(VN_FAMILY);
    let given = rng.pick(VN_GIVEN);
    let full = if rng.chance(0.75) {
        format!("{family} {} {given}", rng.pick(VN_MIDDLE))
    } else {
        format!("{family} {given}")
    };
    two_part(&full, given)
}

fn two_part(full: &str, short: &str) -> PersonName {
    PersonName {
        full: full.to_string(),
        short: short.to_string(),
    }
}

/// `Nguyễn Chí Vịnh` as outlets without diacritics print it.
pub fn strip_diacritics(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ'
            | 'ẩ' | 'ẫ' | 'ậ' => 'a',
            'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'ê' | 'ề' | 'ế' | 'ể' | 'ễ' | 'ệ' => {
                'e'
            }
            'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' => 'i',
            'ò' | 'ó' | 'ỏ' | 'õ' | 'ọ' | 'ô' | 'ồ' | 'ố' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ờ' | 'ớ'
            | 'ở' | 'ỡ' | 'ợ' => 'o',
            'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' => {
                'u'
            }
            'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' => 'y',
            'đ' => 'd',
            'Đ' => 'D',
            'Ơ' | 'Ô' => 'O',
            'Ư' => 'U',
            'Â' | 'Ă' => 'A',
            'Ê' => 'E',
            other => other,
        })
        .collect()
}

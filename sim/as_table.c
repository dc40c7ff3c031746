/*
 * The AS and country tables. AS numbers, registry names and countries are
 * the real ones; each prefix is one block that the AS announces. Cities and
 * coordinates are the organisation's head office or a major data-centre
 * city, rounded to four decimals, not a per-address geolocation.
 */
#include "as_table.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ISP     CG_SIM_AS_ISP
#define HOSTING CG_SIM_AS_HOSTING
#define CLOUD   CG_SIM_AS_CLOUD
#define CDN     CG_SIM_AS_CDN
#define MOBILE  CG_SIM_AS_MOBILE

/*
 * Hostname template tokens: {a} {b} {c} {d} are the octets, {A} {B} {C} {D}
 * the octets zero-padded to three digits, {x} the address as eight hex
 * digits and {n} a six-digit number chosen by the caller's pick.
 */
static const struct cg_sim_as as_rows[] = {
    {15169, "GOOGLE", "Google LLC", "US", "Mountain View", "California",
     "94043", 37.4220, -122.0841, CLOUD, "142.250.0.0/15", "2607:f8b0::/32",
     NULL, NULL},
    {396982, "GOOGLE-CLOUD-PLATFORM", "Google LLC", "US", "Council Bluffs",
     "Iowa", "51501", 41.2619, -95.8608, CLOUD | HOSTING, "35.184.0.0/13", NULL,
     "{d}.{c}.{b}.{a}.bc.googleusercontent.com", NULL},
    {16509, "AMAZON-02", "Amazon.com, Inc.", "US", "Seattle", "Washington",
     "98108", 47.6062, -122.3321, CLOUD | HOSTING | CDN, "13.224.0.0/14",
     "2600:9000::/28", "server-{a}-{b}-{c}-{d}.sea19.r.cloudfront.net", NULL},
    {14618, "AMAZON-AES", "Amazon.com, Inc.", "US", "Ashburn", "Virginia",
     "20149", 39.0438, -77.4874, CLOUD | HOSTING, "3.80.0.0/12", NULL,
     "ec2-{a}-{b}-{c}-{d}.compute-1.amazonaws.com", NULL},
    {14061, "DIGITALOCEAN-ASN", "DigitalOcean, LLC", "US", "North Bergen",
     "New Jersey", "07047", 40.7930, -74.0247, CLOUD | HOSTING, "167.99.0.0/16",
     "2604:a880::/32", NULL, NULL},
    {24940, "Hetzner Online GmbH", "Hetzner Online GmbH", "DE", "Falkenstein",
     "Saxony", "08223", 50.4779, 12.3713, HOSTING, "88.198.0.0/16",
     "2a01:4f8::/32", "static.{d}.{c}.{b}.{a}.clients.your-server.de", NULL},
    {16276, "OVH SAS", "OVH SAS", "FR", "Roubaix", "Hauts-de-France", "59100",
     50.6942, 3.1746, HOSTING | CLOUD, "51.75.0.0/16", "2001:41d0::/32",
     "{d}.ip-{a}-{b}-{c}.eu", NULL},
    {4134, "Chinanet", "CHINANET-BACKBONE", "CN", "Nanjing", "Jiangsu",
     "210000", 32.0603, 118.7969, ISP, "218.92.0.0/16", NULL, NULL, NULL},
    {4837, "CHINA UNICOM China169 Backbone",
     "China Unicom Beijing Province Network", "CN", "Beijing", "Beijing",
     "100000", 39.9042, 116.4074, ISP, "123.112.0.0/12", NULL, NULL, NULL},
    {45090, "Tencent", "Shenzhen Tencent Computer Systems Company Limited",
     "CN", "Beijing", "Beijing", "100000", 39.9042, 116.4074, CLOUD | HOSTING,
     "49.232.0.0/14", NULL, NULL, NULL},
    {37963, "Hangzhou Alibaba Advertising Co.,Ltd.",
     "Hangzhou Alibaba Advertising Co.,Ltd.", "CN", "Hangzhou", "Zhejiang",
     "310000", 30.2936, 120.1614, CLOUD | HOSTING, "47.96.0.0/11", NULL, NULL,
     NULL},
    {13335, "CLOUDFLARENET", "Cloudflare, Inc.", "US", "San Francisco",
     "California", "94107", 37.7749, -122.4194, CDN | HOSTING, "104.16.0.0/13",
     "2606:4700::/32", NULL, NULL},
    {8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "Microsoft Corporation", "US",
     "Boydton", "Virginia", "23917", 36.6676, -78.3875, CLOUD, "20.64.0.0/10",
     NULL, NULL, NULL},
    {20473, "AS-CHOOPA", "The Constant Company, LLC", "US", "Piscataway",
     "New Jersey", "08854", 40.5511, -74.4593, HOSTING | CLOUD, "45.77.0.0/16",
     "2001:19f0::/32", "{a}.{b}.{c}.{d}.vultrusercontent.com", NULL},
    {63949, "Akamai Connected Cloud", "Akamai Technologies, Inc.", "US",
     "Cedar Knolls", "New Jersey", "07927", 40.8224, -74.4588, HOSTING | CLOUD,
     "172.104.0.0/15", "2600:3c00::/32",
     "{a}-{b}-{c}-{d}.ip.linodeusercontent.com", NULL},
    {9009, "M247 Europe SRL", "M247 Europe SRL", "GB", "London", "England",
     "EC2V", 51.5072, -0.1276, HOSTING, "37.120.192.0/19", NULL, NULL, NULL},
    {60068, "Datacamp Limited", "Datacamp Limited", "GB", "London", "England",
     "EC2V", 51.5072, -0.1276, HOSTING | CDN, "84.17.32.0/19", NULL,
     "unn-{a}-{b}-{c}-{d}.datapacket.com", NULL},
    {31898, "ORACLE-BMC-31898", "Oracle Corporation", "US", "Ashburn",
     "Virginia", "20149", 39.0438, -77.4874, CLOUD | HOSTING, "150.136.0.0/16",
     NULL, NULL, NULL},
    {12876, "SCALEWAY S.A.S.", "SCALEWAY S.A.S.", "FR", "Paris",
     "Ile-de-France", "75008", 48.8566, 2.3522, HOSTING | CLOUD, "51.15.0.0/16",
     "2001:bc8::/32", "{a}-{b}-{c}-{d}.rev.poneytelecom.eu", NULL},
    {51167, "Contabo GmbH", "Contabo GmbH", "DE", "Nuremberg", "Bavaria",
     "90402", 49.4521, 11.0767, HOSTING, "161.97.64.0/18", NULL,
     "vmi{n}.contaboserver.net", NULL},
    {4766, "Korea Telecom", "Korea Telecom", "KR", "Seongnam-si", "Gyeonggi-do",
     "13606", 37.4200, 127.1265, ISP, "121.128.0.0/10", NULL, NULL, NULL},
    {9318, "SK Broadband Co Ltd", "SK Broadband Co Ltd", "KR", "Seoul", "Seoul",
     "04637", 37.5665, 126.9780, ISP, "58.120.0.0/13", NULL, NULL, NULL},
    {3462, "HINET", "Data Communication Business Group", "TW", "Taipei",
     "Taipei City", "100", 25.0330, 121.5654, ISP, "114.24.0.0/14", NULL,
     "{a}-{b}-{c}-{d}.dynamic-ip.hinet.net", NULL},
    {8452, "TE-AS", "TE Data", "EG", "Cairo", "Cairo Governorate", "", 30.0444,
     31.2357, ISP, "41.32.0.0/12", NULL, "host-{a}.{b}.{c}.{d}.tedata.net",
     NULL},
    {7922, "COMCAST-7922", "Comcast Cable Communications, LLC", "US", "Chicago",
     "Illinois", "60601", 41.8781, -87.6298, ISP, "73.0.0.0/8", NULL,
     "c-{a}-{b}-{c}-{d}.hsd1.il.comcast.net", NULL},
    {7018, "ATT-INTERNET4", "AT&T Services, Inc.", "US", "Dallas", "Texas",
     "75202", 32.7767, -96.7970, ISP, "99.0.0.0/10", NULL,
     "{a}-{b}-{c}-{d}.lightspeed.dllstx.sbcglobal.net", NULL},
    {3320, "Deutsche Telekom AG", "Deutsche Telekom AG", "DE", "Berlin",
     "Land Berlin", "10117", 52.5200, 13.4050, ISP, "79.192.0.0/10", NULL,
     "p{x}.dip0.t-ipconnect.de", NULL},
    {3215, "Orange S.A.", "Orange S.A.", "FR", "Paris", "Ile-de-France",
     "75015", 48.8566, 2.3522, ISP, "90.0.0.0/9", NULL, NULL, NULL},
    {13238, "YANDEX LLC", "YANDEX LLC", "RU", "Moscow", "Moscow", "119021",
     55.7558, 37.6173, HOSTING | CLOUD, "77.88.0.0/18", "2a02:6b8::/32", NULL,
     NULL},
    {49505, "JSC Selectel", "JSC Selectel", "RU", "Saint Petersburg",
     "St.-Petersburg", "196084", 59.9311, 30.3609, HOSTING, "95.213.128.0/17",
     NULL, NULL, NULL},
    {17676, "SoftBank Corp.", "SoftBank Corp.", "JP", "Tokyo", "Tokyo",
     "105-7529", 35.6762, 139.6503, ISP, "126.0.0.0/8", NULL,
     "softbank{A}{B}{C}{D}.bbtec.net", NULL},
    {55836, "Reliance Jio Infocomm Limited", "Reliance Jio Infocomm Limited",
     "IN", "Mumbai", "Maharashtra", "400001", 19.0760, 72.8777, ISP | MOBILE,
     "49.32.0.0/11", NULL, NULL, "Reliance Jio"},
    {9829, "National Internet Backbone", "Bharat Sanchar Nigam Limited", "IN",
     "New Delhi", "National Capital Territory of Delhi", "110001", 28.6139,
     77.2090, ISP | MOBILE, "117.192.0.0/10", NULL, NULL, "BSNL"},
    {8560, "IONOS SE", "IONOS SE", "DE", "Karlsruhe", "Baden-Wurttemberg",
     "76133", 49.0069, 8.4037, HOSTING, "217.160.0.0/16", NULL, NULL, NULL},
    {60781, "LeaseWeb Netherlands B.V.", "LeaseWeb Netherlands B.V.", "NL",
     "Amsterdam", "North Holland", "1101", 52.3676, 4.9041, HOSTING,
     "95.211.0.0/16", NULL, NULL, NULL},
    {54113, "FASTLY", "Fastly, Inc.", "US", "San Francisco", "California",
     "94107", 37.7749, -122.4194, CDN, "151.101.0.0/16", "2a04:4e42::/32", NULL,
     NULL},
    {22612, "NAMECHEAP-NET", "Namecheap, Inc.", "US", "Phoenix", "Arizona",
     "85034", 33.4484, -112.0740, HOSTING, "162.255.116.0/22", NULL, NULL,
     NULL},
    {36352, "AS-COLOCROSSING", "ColoCrossing", "US", "Buffalo", "New York",
     "14202", 42.8864, -78.8784, HOSTING, "192.3.0.0/16", NULL, NULL, NULL},
    {53667, "PONYNET", "FranTech Solutions", "US", "Las Vegas", "Nevada",
     "89101", 36.1699, -115.1398, HOSTING, "209.141.32.0/19", NULL, NULL, NULL},
};

static const struct cg_sim_country country_rows[] = {
    {"AE", "United Arab Emirates", "Dubai", "Dubai", 25.2048, 55.2708},
    {"AR", "Argentina", "Buenos Aires", "Buenos Aires F.D.", -34.6037,
     -58.3816},
    {"AT", "Austria", "Vienna", "Vienna", 48.2082, 16.3738},
    {"AU", "Australia", "Sydney", "New South Wales", -33.8688, 151.2093},
    {"BA", "Bosnia and Herzegovina", "Sarajevo",
     "Federation of Bosnia and Herzegovina", 43.8563, 18.4131},
    {"BE", "Belgium", "Brussels", "Brussels Capital", 50.8503, 4.3517},
    {"BG", "Bulgaria", "Sofia", "Sofia-Capital", 42.6977, 23.3219},
    {"BR", "Brazil", "Sao Paulo", "Sao Paulo", -23.5505, -46.6333},
    {"CA", "Canada", "Toronto", "Ontario", 43.6532, -79.3832},
    {"CH", "Switzerland", "Zurich", "Zurich", 47.3769, 8.5417},
    {"CL", "Chile", "Santiago", "Santiago Metropolitan", -33.4489, -70.6693},
    {"CN", "China", "Beijing", "Beijing", 39.9042, 116.4074},
    {"CO", "Colombia", "Bogota", "Bogota D.C.", 4.7110, -74.0721},
    {"CZ", "Czechia", "Prague", "Prague", 50.0755, 14.4378},
    {"DE", "Germany", "Frankfurt am Main", "Hesse", 50.1109, 8.6821},
    {"DK", "Denmark", "Copenhagen", "Capital Region", 55.6761, 12.5683},
    {"EE", "Estonia", "Tallinn", "Harju", 59.4370, 24.7536},
    {"EG", "Egypt", "Cairo", "Cairo Governorate", 30.0444, 31.2357},
    {"ES", "Spain", "Madrid", "Madrid", 40.4168, -3.7038},
    {"ET", "Ethiopia", "Addis Ababa", "Addis Ababa", 9.0245, 38.7485},
    {"FI", "Finland", "Helsinki", "Uusimaa", 60.1699, 24.9384},
    {"FR", "France", "Paris", "Ile-de-France", 48.8566, 2.3522},
    {"GB", "United Kingdom", "London", "England", 51.5072, -0.1276},
    {"GE", "Georgia", "Tbilisi", "Tbilisi", 41.7151, 44.8271},
    {"GR", "Greece", "Athens", "Attica", 37.9838, 23.7275},
    {"HK", "Hong Kong", "Hong Kong", "Central and Western", 22.3193, 114.1694},
    {"HU", "Hungary", "Budapest", "Budapest", 47.4979, 19.0402},
    {"ID", "Indonesia", "Jakarta", "Jakarta", -6.2088, 106.8456},
    {"IE", "Ireland", "Dublin", "Leinster", 53.3498, -6.2603},
    {"IL", "Israel", "Tel Aviv", "Tel Aviv", 32.0853, 34.7818},
    {"IN", "India", "Mumbai", "Maharashtra", 19.0760, 72.8777},
    {"IR", "Iran", "Tehran", "Tehran", 35.6892, 51.3890},
    {"IT", "Italy", "Milan", "Lombardy", 45.4642, 9.1900},
    {"JP", "Japan", "Tokyo", "Tokyo", 35.6762, 139.6503},
    {"KR", "South Korea", "Seoul", "Seoul", 37.5665, 126.9780},
    {"KZ", "Kazakhstan", "Almaty", "Almaty", 43.2220, 76.8512},
    {"LT", "Lithuania", "Vilnius", "Vilnius", 54.6872, 25.2797},
    {"LV", "Latvia", "Riga", "Riga", 56.9496, 24.1052},
    {"MA", "Morocco", "Casablanca", "Casablanca-Settat", 33.5731, -7.5898},
    {"MD", "Moldova", "Chisinau", "Chisinau", 47.0105, 28.8638},
    {"MK", "North Macedonia", "Skopje", "Skopje", 41.9981, 21.4254},
    {"MX", "Mexico", "Mexico City", "Mexico City", 19.4326, -99.1332},
    {"MY", "Malaysia", "Kuala Lumpur", "Kuala Lumpur", 3.1390, 101.6869},
    {"NG", "Nigeria", "Lagos", "Lagos", 6.5244, 3.3792},
    {"NL", "Netherlands", "Amsterdam", "North Holland", 52.3676, 4.9041},
    {"NO", "Norway", "Oslo", "Oslo", 59.9139, 10.7522},
    {"NZ", "New Zealand", "Auckland", "Auckland", -36.8485, 174.7633},
    {"PH", "Philippines", "Manila", "Metro Manila", 14.5995, 120.9842},
    {"PK", "Pakistan", "Karachi", "Sindh", 24.8607, 67.0011},
    {"PL", "Poland", "Warsaw", "Mazovia", 52.2297, 21.0122},
    {"PT", "Portugal", "Lisbon", "Lisbon", 38.7223, -9.1393},
    {"RO", "Romania", "Bucharest", "Bucuresti", 44.4268, 26.1025},
    {"RS", "Serbia", "Belgrade", "Belgrade", 44.7866, 20.4489},
    {"RU", "Russia", "Moscow", "Moscow", 55.7558, 37.6173},
    {"SA", "Saudi Arabia", "Riyadh", "Riyadh Region", 24.7136, 46.6753},
    {"SE", "Sweden", "Stockholm", "Stockholm", 59.3293, 18.0686},
    {"SG", "Singapore", "Singapore", "Singapore", 1.3521, 103.8198},
    {"TH", "Thailand", "Bangkok", "Bangkok", 13.7563, 100.5018},
    {"TR", "Turkey", "Istanbul", "Istanbul", 41.0082, 28.9784},
    {"TW", "Taiwan", "Taipei", "Taipei City", 25.0330, 121.5654},
    {"UA", "Ukraine", "Kyiv", "Kyiv City", 50.4501, 30.5234},
    {"US", "United States", "New York", "New York", 40.7128, -74.0060},
    {"VN", "Vietnam", "Ho Chi Minh City", "Ho Chi Minh", 10.8231, 106.6297},
    {"ZA", "South Africa", "Johannesburg", "Gauteng", -26.2041, 28.0473},
};

#define AS_COUNT CG_ARRAY_LEN(as_rows)

struct parsed_prefix {
    uint32_t network4;
    uint32_t mask4;
    uint8_t network6[16];
    unsigned length6; /* 0 when the row has no IPv6 prefix */
};

static struct parsed_prefix prefixes[AS_COUNT];

static void parse_prefix4(const char *text, struct parsed_prefix *out)
{
    char address[CG_SIM_ADDR_SIZE];
    const char *slash = strchr(text, '/');
    struct in_addr in;
    unsigned length;

    snprintf(address, sizeof(address), "%.*s", (int)(slash - text), text);
    length = (unsigned)atoi(slash + 1);
    if (inet_pton(AF_INET, address, &in) != 1)
        abort(); /* a typo in the table above */
    out->mask4 = length ? 0xffffffffU << (32 - length) : 0;
    out->network4 = ntohl(in.s_addr) & out->mask4;
}

static void parse_prefix6(const char *text, struct parsed_prefix *out)
{
    char address[CG_SIM_ADDR_SIZE];
    const char *slash = strchr(text, '/');

    snprintf(address, sizeof(address), "%.*s", (int)(slash - text), text);
    out->length6 = (unsigned)atoi(slash + 1);
    if (inet_pton(AF_INET6, address, out->network6) != 1)
        abort();
}

void cg_sim_as_table_init(void)
{
    for (size_t i = 0; i < AS_COUNT; i++) {
        parse_prefix4(as_rows[i].prefix4, &prefixes[i]);
        if (as_rows[i].prefix6)
            parse_prefix6(as_rows[i].prefix6, &prefixes[i]);
    }
}

size_t cg_sim_as_count(void)
{
    return AS_COUNT;
}

const struct cg_sim_as *cg_sim_as_at(size_t i)
{
    return i < AS_COUNT ? &as_rows[i] : NULL;
}

const struct cg_sim_as *cg_sim_as_find(unsigned asn)
{
    for (size_t i = 0; i < AS_COUNT; i++) {
        if (as_rows[i].asn == asn)
            return &as_rows[i];
    }
    return NULL;
}

const struct cg_sim_as *cg_sim_as_for_ipv4(uint32_t addr)
{
    const struct cg_sim_as *best = NULL;
    uint32_t best_mask = 0;

    for (size_t i = 0; i < AS_COUNT; i++) {
        const struct parsed_prefix *p = &prefixes[i];

        if ((addr & p->mask4) == p->network4 &&
            (!best || p->mask4 > best_mask)) {
            best = &as_rows[i];
            best_mask = p->mask4;
        }
    }
    return best;
}

static bool prefix6_contains(const struct parsed_prefix *p,
                             const uint8_t addr[16])
{
    unsigned full = p->length6 / 8;
    unsigned rest = p->length6 % 8;

    if (p->length6 == 0 || memcmp(p->network6, addr, full) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((p->network6[full] ^ addr[full]) & (0xff << (8 - rest))) == 0;
}

const struct cg_sim_as *cg_sim_as_for_ipv6(const uint8_t addr[16])
{
    for (size_t i = 0; i < AS_COUNT; i++) {
        if (prefix6_contains(&prefixes[i], addr))
            return &as_rows[i];
    }
    return NULL;
}

const struct cg_sim_as *cg_sim_as_pick(uint64_t pick, unsigned kinds)
{
    size_t matching = 0;

    for (size_t i = 0; i < AS_COUNT; i++) {
        if (!kinds || (as_rows[i].kinds & kinds))
            matching++;
    }
    if (matching == 0)
        return &as_rows[pick % AS_COUNT];
    pick %= matching;
    for (size_t i = 0; i < AS_COUNT; i++) {
        if (!kinds || (as_rows[i].kinds & kinds)) {
            if (pick == 0)
                return &as_rows[i];
            pick--;
        }
    }
    return &as_rows[0];
}

const struct cg_sim_as *cg_sim_as_pick_country(const char *country,
                                               uint64_t pick)
{
    size_t matching = 0;

    for (size_t i = 0; i < AS_COUNT; i++) {
        if (strcasecmp(as_rows[i].country, country) == 0)
            matching++;
    }
    if (matching == 0)
        return NULL;
    pick %= matching;
    for (size_t i = 0; i < AS_COUNT; i++) {
        if (strcasecmp(as_rows[i].country, country) == 0 && pick-- == 0)
            return &as_rows[i];
    }
    return NULL;
}

uint32_t cg_sim_as_address4(const struct cg_sim_as *as, uint64_t pick,
                            char out[CG_SIM_ADDR_SIZE])
{
    const struct parsed_prefix *p = &prefixes[as - as_rows];
    uint32_t hosts = ~p->mask4;
    uint32_t addr = p->network4 | ((uint32_t)(pick >> 8) & hosts);

    /* Keep the last octet in 1-254 so that no network or broadcast
     * address of a /24 is handed out. */
    addr = (addr & 0xffffff00U) | (uint32_t)(1 + pick % 254);
    snprintf(out, CG_SIM_ADDR_SIZE, "%u.%u.%u.%u", addr >> 24,
             (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
    return addr;
}

bool cg_sim_as_address6(const struct cg_sim_as *as, uint64_t pick,
                        char out[CG_SIM_ADDR_SIZE])
{
    const struct parsed_prefix *p = &prefixes[as - as_rows];
    uint8_t addr[16] = {0};

    out[0] = '\0';
    if (p->length6 == 0)
        return false;
    memcpy(addr, p->network6, 16);
    /* Fill bits 48-63 (a subnet) and the last two bytes (the host). */
    addr[6] = (uint8_t)(pick >> 8);
    addr[7] = (uint8_t)(pick >> 16);
    addr[14] = (uint8_t)(pick >> 24);
    addr[15] = (uint8_t)(1 + pick % 254);
    return inet_ntop(AF_INET6, addr, out, CG_SIM_ADDR_SIZE) != NULL;
}

bool cg_sim_as_hostname(const struct cg_sim_as *as, uint32_t addr,
                        uint64_t pick, char *out, size_t size)
{
    unsigned octets[4] = {addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
                          addr & 0xff};
    size_t used = 0;

    if (!as->hostname || size == 0)
        return false;
    for (const char *t = as->hostname; *t; t++) {
        char piece[16];
        int n;

        if (t[0] == '{' && t[1] && t[2] == '}') {
            char token = t[1];

            if (token >= 'a' && token <= 'd')
                n = snprintf(piece, sizeof(piece), "%u", octets[token - 'a']);
            else if (token >= 'A' && token <= 'D')
                n = snprintf(piece, sizeof(piece), "%03u", octets[token - 'A']);
            else if (token == 'x')
                n = snprintf(piece, sizeof(piece), "%08x", addr);
            else
                n = snprintf(piece, sizeof(piece), "%06u",
                             (unsigned)(100000 + pick % 900000));
            t += 2;
        } else {
            piece[0] = *t;
            piece[1] = '\0';
            n = 1;
        }
        if (n < 0 || used + (size_t)n >= size)
            return false;
        memcpy(out + used, piece, (size_t)n);
        used += (size_t)n;
    }
    out[used] = '\0';
    return true;
}

const struct cg_sim_country *cg_sim_country_find(const char *code)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(country_rows); i++) {
        if (strcasecmp(country_rows[i].code, code) == 0)
            return &country_rows[i];
    }
    return NULL;
}

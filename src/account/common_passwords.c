/* The passwords the policy refuses by name (account_password_check).
 *
 * Where the list comes from: picked by hand from the entries of 12 characters or more near
 * the top of the public breach-frequency lists (the SecLists "Common-Credentials" top-million
 * list, the UK NCSC's "100k most used passwords" list, the yearly "most common passwords"
 * tallies drawn from Have I Been Pwned), then padded with what those lists show people do to
 * reach a 12-character minimum (a favourite plus digits or a year, keyboard walks, number
 * runs) and with words of this platform an attacker would try first. It is not a copy of
 * any of them. One or a few characters repeated (aaaaaaaaaaaa, 121212121212) need no entry:
 * the rule of five different characters refuses them. Entries are lowercase; the comparison
 * ignores case, so "Password1234" is refused too. Keep the list short: it stops the first
 * guesses, and length is what protects the rest. */
#include "account/internal.h"

#include <strings.h>

static const char *const common_passwords[] = {
    /* "password" padded to the minimum */
    "password1234",
    "password12345",
    "password123456",
    "password1234567",
    "password123!",
    "password2020",
    "password2021",
    "password2022",
    "password2023",
    "password2024",
    "password2025",
    "passwordpassword",
    "p@ssw0rd1234",
    "p@ssword1234",
    "p@ssw0rd2024",
    "passw0rd1234",
    "mypassword123",
    "mypassword1234",
    "secretpassword",
    "newpassword123",
    /* number runs */
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789123",
    "1234567891011",
    "123456789101",
    "123456789987",
    "987654321098",
    "098765432109",
    "012345678910",
    "147258369147",
    "1234567890-=",
    /* keyboard walks */
    "qwertyuiop12",
    "qwertyuiop123",
    "qwertyuiop1234",
    "qwertyuiopas",
    "qwertyuiopasdf",
    "qwertyuiopasdfghjkl",
    "qwertyuiop[]",
    "qwerty123456",
    "qwerty1234567",
    "123456qwerty",
    "1234567890qwerty",
    "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv",
    "1qazxsw23edc",
    "1q2w3e4r5t6y",
    "1q2w3e4r5t6y7u",
    "1q2w3e4r5t6y7u8i",
    "q1w2e3r4t5y6",
    "1234qwerasdf",
    "qazwsxedcrfv",
    "qazwsxedcrfvtgb",
    "zaq12wsxcde3",
    "zaq1xsw2cde3",
    "asdfghjkl123",
    "asdfghjkl1234",
    "asdfghjklqwe",
    "zxcvbnm12345",
    "zxcvbnm123456",
    "qweasdzxc123",
    "!@#$%^&*()_+",
    "1qaz!qaz1qaz",
    "abcdefghijkl",
    "abcdefghijklmnop",
    "abc123456789",
    "a1b2c3d4e5f6",
    /* favourites padded */
    "iloveyou1234",
    "iloveyou12345",
    "welcome12345",
    "welcome123456",
    "welcome@2024",
    "letmein12345",
    "letmeinplease",
    "administrator",
    "administrator1",
    "admin1234567",
    "adminadmin123",
    "changeme1234",
    "football1234",
    "baseball1234",
    "basketball12",
    "monkey123456",
    "dragon123456",
    "shadow123456",
    "master123456",
    "sunshine1234",
    "princess1234",
    "superman1234",
    "starwars1234",
    "whatever1234",
    "computer1234",
    "trustno1trustno1",
    "blink182blink182",
    "correcthorsebatterystaple",
    /* this platform */
    "bluehelm1234",
    "bluehelmet123",
    "bluehelmets12",
    "peacekeeping",
    "peacekeeping1",
    "peacekeeper1",
    "peacekeeper123",
    "peacekeepers",
    "unitednations",
    "unitednations1",
};

bool account__password_is_common(const char *password)
{
    for (size_t i = 0; i < sizeof common_passwords / sizeof common_passwords[0]; i++)
        if (strcasecmp(password, common_passwords[i]) == 0)
            return true;
    return false;
}

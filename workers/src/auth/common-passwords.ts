/**
 * Passwords that appear at the top of every breach corpus (lower-cased). OWASP ASVS asks that new
 * passwords be checked against such a list; length rules alone let "password123" through.
 */
const COMMON = `123456 123456789 12345678 password qwerty123 qwerty1 111111 12345 secret 123123 1234567890
1234567 000000 qwerty abc123 password1 iloveyou 11111111 dragon monkey 123321 654321 666666 121212
sunshine princess football baseball welcome letmein shadow master superman trustno1 passw0rd
password123 password12 password1234 qwertyuiop 1q2w3e4r 1q2w3e4r5t zaq12wsx qazwsx 1qaz2wsx
asdfghjkl asdfgh zxcvbnm 987654321 88888888 12341234 00000000 11223344 147258369 aa123456 a123456
abcd1234 admin123 administrator changeme changeme123 default welcome1 welcome123 iloveyou1
michael jessica charlie jordan23 starwars whatever freedom hello123 loveme computer internet
samsung football1 baseball1 superman1 batman123 pokemon minecraft liverpool chelsea arsenal
summer2024 winter2024 spring2024 autumn2024 summer2025 winter2025 password2024 password2025
p@ssw0rd p@ssword pa$$word q1w2e3r4 q1w2e3r4t5 1password qwerty12 qwerty1234 123qwe 123qweasd
11111111111 1234qwer 7777777 888888 999999 131313 121314 696969 159753 112233 asdf1234
letmein1 letmein123 trustno11 master123 access14 mustang shadow123 hunter2 hunter123`
  .split(/\s+/)
  .filter(Boolean);

const commonSet = new Set(COMMON);

/** True when the password is one of the most common ones (case-insensitive). */
export function isCommonPassword(password: string): boolean {
  return commonSet.has(password.trim().toLowerCase());
}

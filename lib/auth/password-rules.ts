// What Kura requires of a password. Pure, so the forms can check it before the round trip and the
// API schemas and the user store enforce the same number.
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

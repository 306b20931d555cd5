// What the server requires of a password (lib/auth/user-store.ts, which client code cannot
// import: it reaches the database). Checked here only to answer before the round trip.
export const MIN_PASSWORD_LENGTH = 10;

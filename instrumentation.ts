// Next.js calls register() once when the server starts: recover from a previous crash or restart,
// and make sure Kura is never open: the first admin comes from KURA_ADMIN_PASSWORD or a printed
// one-time setup token.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { recoverAfterRestart, startSweepingInterruptedWork } = await import("@/lib/jobs/recover-after-restart");
  try {
    const recovered = await recoverAfterRestart();
    if (recovered.jobs || recovered.archives || recovered.temporaryFiles) console.warn("[kura] recovered after a restart:", recovered);
  } catch (error) {
    // A refusal meant for a person (a missing or wrong KURA_STORE_KEY_FILE for an encrypted store) is said as such.
    const { AppError } = await import("@/lib/api/app-error");
    if (error instanceof AppError) console.error(`[kura] the archive store cannot be used (${error.code}): ${error.message}`);
    else console.error("[kura] could not recover after a restart:", error);
  }
  // Several dashboards on one PostgreSQL database (issue 16): end the jobs of one that dies, from here.
  startSweepingInterruptedWork();
  const { ensureFirstAdmin } = await import("@/lib/auth/first-admin");
  try {
    await ensureFirstAdmin();
  } catch (error) {
    console.error("[kura] could not check for the first admin:", error);
  }
}

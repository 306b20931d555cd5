-- Issue 16: several dashboards on one database. A job's owner and lease, and cancel asked from another dashboard.
ALTER TABLE "Job" ADD COLUMN "owner" TEXT;
ALTER TABLE "Job" ADD COLUMN "leaseUntil" DATETIME;
ALTER TABLE "Job" ADD COLUMN "cancelRequested" BOOLEAN NOT NULL DEFAULT false;

-- Sign-in attempts every dashboard counts (the throttle), and shared counters.
CREATE TABLE "SignInAttempt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "SignInAttempt_name_idx" ON "SignInAttempt"("name");

CREATE TABLE "Counter" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" INTEGER NOT NULL DEFAULT 0
);

-- Issue 16: several dashboards on one database. A job's owner and lease, and cancel asked from another dashboard;
-- sign-in attempts every dashboard counts (the throttle), and shared counters.
-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "owner" TEXT;

-- CreateTable
CREATE TABLE "SignInAttempt" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Counter" (
    "name" TEXT NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Counter_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "SignInAttempt_name_idx" ON "SignInAttempt"("name");


-- Issue 15: the data conversions a restore ran in its build.
ALTER TABLE "Restore" ADD COLUMN "conversions" TEXT NOT NULL DEFAULT '[]';

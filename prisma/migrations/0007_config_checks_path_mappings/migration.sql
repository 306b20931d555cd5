-- Issue 14: configuration checkers run before the service starts, and versioned paths that follow their package.
-- Columns added by ALTER TABLE (not a table rebuild), so this merges with the other issue-14 migrations.

-- AlterTable
ALTER TABLE "Restore" ADD COLUMN "configChecks" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "Restore" ADD COLUMN "pathMappings" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "Restore" ADD COLUMN "contentRewrites" TEXT NOT NULL DEFAULT '[]';

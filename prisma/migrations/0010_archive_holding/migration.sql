-- Issue 15: how an archive in the making holds its container (pause | stop), so a restart of Kura releases it.

-- AlterTable
ALTER TABLE "Archive" ADD COLUMN "holding" TEXT;

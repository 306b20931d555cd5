-- AlterTable
ALTER TABLE "Archive" ADD COLUMN "verifiedAt" DATETIME;
ALTER TABLE "Archive" ADD COLUMN "verifyState" TEXT;


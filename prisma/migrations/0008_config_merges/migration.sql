-- Issue 14: configuration merges. (Written from `prisma migrate diff`'s output, with the Restore table's new
-- column added by ALTER TABLE rather than a table rebuild: same result, and it merges with other migrations.)

-- CreateTable
CREATE TABLE "MergeResolution" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "archiveId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "newDefaultSha256" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "savedBy" TEXT NOT NULL,
    "savedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- AlterTable
ALTER TABLE "Restore" ADD COLUMN "merges" TEXT NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE INDEX "MergeResolution_archiveId_idx" ON "MergeResolution"("archiveId");

-- CreateIndex
CREATE UNIQUE INDEX "MergeResolution_archiveId_path_newDefaultSha256_key" ON "MergeResolution"("archiveId", "path", "newDefaultSha256");

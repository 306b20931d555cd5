-- CreateTable
CREATE TABLE "MigrationRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "package" TEXT NOT NULL,
    "fromVersions" TEXT NOT NULL,
    "toVersions" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Restore" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "archiveId" TEXT NOT NULL,
    "archiveName" TEXT NOT NULL,
    "engineId" TEXT NOT NULL,
    "engineName" TEXT NOT NULL,
    "baseImage" TEXT NOT NULL,
    "imageTag" TEXT NOT NULL,
    "imageId" TEXT,
    "containerName" TEXT NOT NULL,
    "containerId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'running',
    "step" TEXT NOT NULL DEFAULT 'plan',
    "error" TEXT,
    "jobId" TEXT,
    "dockerfile" TEXT NOT NULL,
    "dockerfileEdited" BOOLEAN NOT NULL DEFAULT false,
    "dockerfileDiff" TEXT NOT NULL DEFAULT '',
    "warnings" TEXT NOT NULL DEFAULT '[]',
    "appliedRules" TEXT NOT NULL DEFAULT '[]',
    "verification" TEXT,
    "checkResult" TEXT,
    "log" TEXT NOT NULL DEFAULT '',
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "Restore_archiveId_idx" ON "Restore"("archiveId");


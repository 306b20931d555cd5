-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Selection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "engineId" TEXT NOT NULL,
    "containerId" TEXT NOT NULL,
    "ruleSetId" TEXT,
    "overrides" TEXT NOT NULL DEFAULT '[]',
    "baseContent" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Selection" ("containerId", "engineId", "id", "overrides", "ruleSetId", "updatedAt") SELECT "containerId", "engineId", "id", "overrides", "ruleSetId", "updatedAt" FROM "Selection";
DROP TABLE "Selection";
ALTER TABLE "new_Selection" RENAME TO "Selection";
CREATE UNIQUE INDEX "Selection_engineId_containerId_key" ON "Selection"("engineId", "containerId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Issue 15: capture recipes admins add (the built-in ones are in code).

-- CreateTable
CREATE TABLE "CaptureRecipe" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "recipe" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

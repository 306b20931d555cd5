// @ts-check
// Worker thread: lists part of a container's overlay2 upper folder (walk-layer-folders.mjs) off the main thread.
// Plain JS with Node built-ins only: it is started by path (see read-layer-directly.ts), outside the app bundle.
import { parentPort, workerData } from "node:worker_threads";
import { walkLayerFolders } from "./walk-layer-folders.mjs";

/** @type {{ layerDir: string; headBytes: number; roots: string[]; frontier: number }} */
const options = workerData;
const { transfer, ...result } = walkLayerFolders(options);
parentPort?.postMessage(result, transfer);

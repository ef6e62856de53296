// Entry point of a crucible-benchmark load Worker (one per [general] threads). It opens its
// share of the connections, prefills its share of the keys, says "ready", runs from the
// shared start time, posts one "second" message per second and "done" at the end.
//   main → worker: { type: "start", startWallMs } | { type: "stop" }
//   worker → main: WorkerMessage (load.ts)
import { parentPort, workerData } from "node:worker_threads";
import { Driver, type MainMessage, type WorkerMessage, type WorkerSetup } from "./load.ts";

const port = parentPort!;
const setup = workerData as WorkerSetup;
const post = (msg: WorkerMessage) => port.postMessage(msg);
const driver = new Driver(setup, post);

port.on("message", (msg: MainMessage) => {
  if (msg.type === "start") driver.start(msg.startWallMs);
  else if (msg.type === "stop") driver.stop();
});

try {
  await driver.connectAll();
  await driver.prefill();
  driver.ready();
} catch (e) {
  post({ type: "fatal", message: (e as Error).message });
}

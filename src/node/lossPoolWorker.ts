/** A worker script for LossPool outside the CLI bundle (tests, the bench): it only serves loss jobs. */
import { runLossPoolWorker } from './lossPool';

runLossPoolWorker();

import { describeOnDemoWeft } from "./checks/demo-weft.ts";
import { nodePgChecks } from "./checks/node-pg.ts";

describeOnDemoWeft("node-postgres (pg, pg-cursor) against Weft serving the demo", nodePgChecks);

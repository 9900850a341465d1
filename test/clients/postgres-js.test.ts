import { describeOnDemoWeft } from "./checks/demo-weft.ts";
import { postgresJsChecks } from "./checks/postgres-js.ts";

describeOnDemoWeft("postgres.js against Weft serving the demo", postgresJsChecks);

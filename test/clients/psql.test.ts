import { describeOnDemoWeft } from "./checks/demo-weft.ts";
import { psqlChecks } from "./checks/psql.ts";

describeOnDemoWeft("psql against Weft serving the demo", psqlChecks);

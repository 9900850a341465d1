import { describeOnDemoWeft } from "./checks/demo-weft.ts";
import { jdbcChecks } from "./checks/programs.ts";

describeOnDemoWeft("pgjdbc against Weft serving the demo", jdbcChecks);

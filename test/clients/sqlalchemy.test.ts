import { describeOnDemoWeft } from "./checks/demo-weft.ts";
import { sqlalchemyChecks } from "./checks/programs.ts";

describeOnDemoWeft("SQLAlchemy against Weft serving the demo", sqlalchemyChecks);

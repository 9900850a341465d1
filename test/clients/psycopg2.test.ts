import { describeOnDemoWeft } from "./checks/demo-weft.ts";
import { psycopg2Checks } from "./checks/programs.ts";

describeOnDemoWeft("psycopg2 against Weft serving the demo", psycopg2Checks);
